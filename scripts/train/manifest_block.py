"""What both update_manifest scripts share: YAML scalars, a file's SHA-256, the commit of the
training code, "k=v" score lists, and swapping one model's block in models/manifest.yaml as text (every other
entry and comment stays as it is)."""
import hashlib
import json
import re
import subprocess


def q(v):
    """A YAML scalar: JSON is valid YAML for strings and numbers."""
    return json.dumps(v)


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def code_commit(root, folder):
    """(last commit that touched `folder`, whether `folder` has uncommitted changes)."""
    run = lambda *args: subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout.strip()  # noqa: E731
    return run("log", "-1", "--format=%H", "--", folder) or "uncommitted", bool(run("status", "--porcelain", "--", folder))


def score_pairs(text):
    """[(key, value)] from "k=v,k=v" (scores measured elsewhere, e.g. by `alpr-edge eval`)."""
    out = []
    for kv in (text or "").split(","):
        if "=" in kv:
            k, v = kv.split("=", 1)
            out.append((k.strip(), float(v)))
    return out


def write_block(manifest, name, lines):
    """Replaces the block from `  NAME:` to the next two-space key with `lines`, or appends it."""
    block = "\n".join(lines) + "\n"
    with open(manifest) as f:
        text = f.read()
    pat = re.compile(rf"^  {re.escape(name)}:\n(?:(?:    .*|\s*)\n)*", re.M)
    text = pat.sub(lambda _: block, text, count=1) if pat.search(text) else text.rstrip("\n") + "\n" + block
    with open(manifest, "w") as f:
        f.write(text)
