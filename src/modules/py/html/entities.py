"""HTML5's named character references: `html5` maps each name (with its semicolon, and the
legacy ones also without) to the characters it stands for. (HTML 4's `name2codepoint`,
`codepoint2name` and `entitydefs` tables are not provided by toy.)"""

from _html5 import html5

__all__ = ["html5"]
