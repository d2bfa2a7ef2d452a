"""The plate recogniser: a small all-convolutional network with a CTC head over 32 columns
and a state-classification head. Input is grey 0..255 (N, 1, 32, 128); the per-image
normalisation is inside the network so the daemon feeds plain grey pixels."""
import torch
import torch.nn as nn

from common import NUM_CLASSES, STATES


def block(ci, co, k=3, pad=1):
    return nn.Sequential(nn.Conv2d(ci, co, k, padding=pad, bias=False), nn.BatchNorm2d(co), nn.ReLU(inplace=True))


class PlateRec(nn.Module):
    def __init__(self, widths=(16, 32, 64, 96, 128), steps=32):
        super().__init__()
        c1, c2, c3, c4, c5 = widths
        # 64 output columns leave room for the blank CTC needs between doubled characters (00, HH)
        self.body = nn.Sequential(
            block(1, c1), nn.MaxPool2d(2),            # 16 x 64
            block(c1, c2), nn.MaxPool2d(2 if steps == 32 else (2, 1)),  # 8 x steps
            block(c2, c3), block(c3, c3), nn.MaxPool2d((2, 1)),  # 4 x 32
            block(c3, c4), block(c4, c4), nn.MaxPool2d((2, 1)),  # 2 x 32
        )
        self.collapse = block(c4, c5, k=(2, 3), pad=(0, 1))     # 1 x 32
        self.context = block(c5, c5, k=(1, 5), pad=(0, 2))
        self.drop = nn.Dropout(0.15)
        self.head = nn.Conv2d(c5, NUM_CLASSES, 1)
        self.state = nn.Linear(c4, len(STATES))

    def features(self, x):
        """x: (N, 1, 32, 128) grey 0..255. Returns the trunk's feature map (N, c4, 2, T)."""
        m = x.mean(dim=(1, 2, 3), keepdim=True)
        s = ((x - m) ** 2).mean(dim=(1, 2, 3), keepdim=True).sqrt()
        return self.body((x - m) / (s + 4.0))

    def forward(self, x):
        """x: (N, 1, 32, 128) grey 0..255. Returns CTC logits (N, T, C) and state logits (N, S)."""
        f = self.features(x)
        st = self.state(f.mean(dim=(2, 3)))
        y = self.context(self.collapse(f))
        y = self.head(self.drop(y))  # N, C, 1, T
        return y.squeeze(2).permute(0, 2, 1), st


class Exported(nn.Module):
    """What goes into ONNX: probabilities, not logits, so the reader needs no softmax."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        y, st = self.net(x)
        return torch.softmax(y, dim=2), torch.softmax(st, dim=1)
