"""The plate recogniser: a small all-convolutional network with a CTC head and a
state-classification head. Input is grey 0..255 (N, 1, H, W), H×W = 32×128 (plate-rec-v1..v10)
or 48×192; the per-image normalisation is inside the network so the daemon feeds plain grey
pixels. The output has `steps` columns: W/2 (64 at 32×128; 96 at 48×192) or W/4."""
import torch
import torch.nn as nn

from common import NUM_CLASSES, STATES


def block(ci, co, k=3, pad=1):
    return nn.Sequential(nn.Conv2d(ci, co, k, padding=pad, bias=False), nn.BatchNorm2d(co), nn.ReLU(inplace=True))


class PlateRec(nn.Module):
    def __init__(self, widths=(16, 32, 64, 96, 128), steps=32, height=32, width=128):
        super().__init__()
        c1, c2, c3, c4, c5 = widths
        if height % 16 or width % 4 or steps not in (width // 2, width // 4):
            raise ValueError(f"input {height}x{width} with {steps} columns: the height must be a multiple of 16, the columns W/2 or W/4")
        self.height, self.width, self.steps = height, width, steps
        # W/2 output columns leave room for the blank CTC needs between doubled characters (00, HH):
        # at W/4 (32 columns at 128 px) doubled characters merged
        self.body = nn.Sequential(
            block(1, c1), nn.MaxPool2d(2),            # H/2 x W/2
            block(c1, c2), nn.MaxPool2d(2 if steps == width // 4 else (2, 1)),  # H/4 x steps
            block(c2, c3), block(c3, c3), nn.MaxPool2d((2, 1)),  # H/8
            block(c3, c4), block(c4, c4), nn.MaxPool2d((2, 1)),  # H/16 (2 rows at 32 px, 3 at 48)
        )
        self.collapse = block(c4, c5, k=(height // 16, 3), pad=(0, 1))     # 1 x steps
        self.context = block(c5, c5, k=(1, 5), pad=(0, 2))
        self.drop = nn.Dropout(0.15)
        self.head = nn.Conv2d(c5, NUM_CLASSES, 1)
        self.state = nn.Linear(c4, len(STATES))

    def features(self, x):
        """x: (N, 1, H, W) grey 0..255. Returns the trunk's feature map (N, c4, H/16, steps)."""
        m = x.mean(dim=(1, 2, 3), keepdim=True)
        s = ((x - m) ** 2).mean(dim=(1, 2, 3), keepdim=True).sqrt()
        return self.body((x - m) / (s + 4.0))

    def forward(self, x):
        """x: (N, 1, H, W) grey 0..255. Returns CTC logits (N, T, C) and state logits (N, S)."""
        f = self.features(x)
        st = self.state(f.mean(dim=(2, 3)))
        y = self.context(self.collapse(f))
        y = self.head(self.drop(y))  # N, C, 1, T
        return y.squeeze(2).permute(0, 2, 1), st


def from_checkpoint(ck):
    """The network a train.py checkpoint describes (older ones: 32x128, 32 columns unless given)."""
    h, w = ck.get("input", (32, 128))
    return PlateRec(tuple(ck["widths"]), ck.get("columns", 32), h, w)


class Exported(nn.Module):
    """What goes into ONNX: probabilities, not logits, so the reader needs no softmax."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        y, st = self.net(x)
        return torch.softmax(y, dim=2), torch.softmax(st, dim=1)
