"""The plate detector network: a tiny fully-convolutional net, BGR 0..1 in, stride-4 plate map out.

Input `image` [N, 3, H, W] (BGR, values 0..1, H and W multiples of 16; the daemon pads to 32);
output `plate` [N, 1, H/4, W/4], the sigmoid probability that a cell lies on a plate.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def cbr(i, o, k=3, s=1, g=1, d=1):
    return nn.Sequential(nn.Conv2d(i, o, k, s, padding=d * (k // 2), dilation=d, groups=g, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))


def dws(i, o, s=1, d=1):
    """Depthwise 3x3 then pointwise 1x1."""
    return nn.Sequential(cbr(i, i, 3, s, g=i, d=d), cbr(i, o, 1))


class PlateDet(nn.Module):
    def __init__(self, w=(12, 24, 48, 96), head=32):
        super().__init__()
        a, b, c, d = w
        self.s4 = nn.Sequential(cbr(3, a, s=2), cbr(a, b, s=2))          # /4
        self.s8 = nn.Sequential(dws(b, c, s=2), dws(c, c))                 # /8
        self.s16 = nn.Sequential(dws(c, d, s=2), dws(d, d, d=2), dws(d, d, d=4))  # /16
        self.l16 = cbr(d, head, 1)
        self.l8 = cbr(c, head, 1)
        self.l4 = cbr(b, head, 1)
        self.m8 = dws(head, head)
        self.m4 = dws(head, 16)
        self.out = nn.Conv2d(16, 1, 1)
        self.register_buffer("mean", torch.tensor([0.45, 0.45, 0.45]).view(1, 3, 1, 1))

    def forward(self, x):
        x = (x - self.mean) * 4.0
        f4 = self.s4(x)
        f8 = self.s8(f4)
        f16 = self.s16(f8)
        p = F.interpolate(self.l16(f16), scale_factor=2.0, mode="nearest") + self.l8(f8)
        p = self.m8(p)
        p = F.interpolate(p, scale_factor=2.0, mode="nearest") + self.l4(f4)
        return self.out(self.m4(p))  # logits; export appends the sigmoid
