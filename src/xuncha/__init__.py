"""xuncha: the party inspection-rectification (巡察整改) lifecycle, end to end."""

__version__ = "0.1.0"
