#!/usr/bin/python3
"""A real RTSP camera for tests and the demo: GStreamer's gst-rtsp-server serving an H.264 file
(mp4, mkv or raw .h264) in a loop, without re-encoding.

    /usr/bin/python3 scripts/rtsp-server.py FILE [--port N] [--name NAME] [--watch-stdin]

Prints the bound port as the first stdout line (useful with --port 0, which picks a free one),
then the URL. Exits 0 on SIGTERM/SIGINT, and on stdin EOF with --watch-stdin (so a test runner
that dies takes the server with it).

Why appsrc and not `filesrc ! qtdemux`: gst-rtsp-server has no loop option, and seeking a
running media on EOS is fragile. The file's access units are read once, then pushed forever
with continuous timestamps, which loops seamlessly and paces at the file's frame rate.
Each new media (first client after none) starts at the clip's beginning; further clients share it.
"""
import argparse
import os
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def read_access_units(path, default_fps):
    """Returns ([(bytes, is_keyframe)], fps_num, fps_den) in decode order."""
    pipe = Gst.parse_launch(
        'filesrc name=src ! parsebin ! h264parse ! '
        'video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=sink sync=false emit-signals=false'
    )
    pipe.get_by_name("src").set_property("location", path)
    sink = pipe.get_by_name("sink")
    pipe.set_state(Gst.State.PLAYING)
    units = []
    fps = None
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break
        if fps is None:
            s = sample.get_caps().get_structure(0)
            ok, num, den = s.get_fraction("framerate")
            if ok and num > 0:
                fps = (num, den)
        buf = sample.get_buffer()
        ok, info = buf.map(Gst.MapFlags.READ)
        if ok:
            units.append((bytes(info.data), not buf.has_flags(Gst.BufferFlags.DELTA_UNIT)))
            buf.unmap(info)
    bus = pipe.get_bus()
    err = bus.pop_filtered(Gst.MessageType.ERROR)
    pipe.set_state(Gst.State.NULL)
    if err is not None:
        e, _ = err.parse_error()
        raise RuntimeError(f"cannot read {path}: {e.message}")
    if not units:
        raise RuntimeError(f"no H.264 frames in {path}")
    # Start the loop on a keyframe so every lap decodes cleanly.
    first_key = next((i for i, (_, k) in enumerate(units) if k), 0)
    units = units[first_key:]
    num, den = fps if fps else (default_fps, 1)
    return units, num, den


class LoopFactory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, units, fps_num, fps_den):
        super().__init__()
        self.units = units
        self.duration = Gst.util_uint64_scale(Gst.SECOND, fps_den, fps_num)
        self.set_shared(True)
        self.set_launch(
            "( appsrc name=src is-live=true format=time do-timestamp=false "
            f"caps=video/x-h264,stream-format=byte-stream,alignment=au,framerate={fps_num}/{fps_den} "
            "! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )"
        )
        self.connect("media-configure", self.on_media_configure)

    def on_media_configure(self, _factory, media):
        src = media.get_element().get_child_by_name("src")
        state = {"n": 0, "offset": None}

        def need_data(appsrc, _length):
            if state["offset"] is None:
                # A live pipeline's clock has run since PLAYING; stamping from 0 would make the
                # first second of frames "late" and send them in a burst. Start at "now" instead.
                clock = appsrc.get_clock()
                state["offset"] = max(0, clock.get_time() - appsrc.get_base_time()) if clock else 0
            n = state["n"]
            data, key = self.units[n % len(self.units)]
            buf = Gst.Buffer.new_wrapped(data)
            buf.pts = buf.dts = state["offset"] + n * self.duration
            buf.duration = self.duration
            if not key:
                buf.set_flags(Gst.BufferFlags.DELTA_UNIT)
            state["n"] = n + 1
            appsrc.emit("push-buffer", buf)

        src.connect("need-data", need_data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port (printed first)")
    ap.add_argument("--name", default="cam")
    ap.add_argument("--address", default="127.0.0.1")
    ap.add_argument("--fps", type=int, default=12, help="for raw .h264 files without a frame rate")
    ap.add_argument("--watch-stdin", action="store_true", help="exit when stdin closes")
    args = ap.parse_args()

    Gst.init(None)
    if not os.path.isfile(args.file):
        print(f"rtsp-server: no such file: {args.file}", file=sys.stderr)
        return 2
    try:
        units, num, den = read_access_units(args.file, args.fps)
    except RuntimeError as e:
        print(f"rtsp-server: {e}", file=sys.stderr)
        return 2

    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))
    server.get_mount_points().add_factory(f"/{args.name}", LoopFactory(units, num, den))
    try:
        server.attach(None)
    except GLib.Error as e:
        print(f"rtsp-server: cannot listen on {args.address}:{args.port}: {e.message}", file=sys.stderr)
        return 3
    port = server.get_bound_port()
    if port <= 0:
        print(f"rtsp-server: cannot listen on {args.address}:{args.port}", file=sys.stderr)
        return 3
    print(port, flush=True)
    print(f"rtsp://{args.address}:{port}/{args.name}", flush=True)

    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    if args.watch_stdin:
        def on_stdin(_fd, _cond):
            if not os.read(0, 4096):
                loop.quit()
                return False
            return True
        GLib.io_add_watch(0, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
