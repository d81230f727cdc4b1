"""Shell-like splitting and quoting: split() breaks a command line into words as a POSIX
shell does (quotes, backslashes, optional # comments), quote() makes a string safe to
pass as one word, join() quotes and joins words.

The shlex lexer class itself is not provided by toy.
"""

import re

__all__ = ["split", "quote", "join"]

_WHITESPACE = ' \t\r\n'
# Characters a word may contain without quoting.
_unsafe = re.compile(r'[^\w@%+=:,./-]', re.ASCII).search


def split(s, comments=False, posix=True):
    """The words of command line `s`, POSIX-style."""
    if s is None:
        raise ValueError("s argument must not be None")
    if not posix:
        raise NotImplementedError("toy's shlex.split supports posix=True only")
    words = []
    word = []
    in_word = False
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in _WHITESPACE:
            if in_word:
                words.append(''.join(word))
                word = []
                in_word = False
            i += 1
        elif c == '#' and comments and not in_word:
            while i < n and s[i] != '\n':
                i += 1
        elif c == "'":
            end = s.find("'", i + 1)
            if end < 0:
                raise ValueError("No closing quotation")
            word.append(s[i + 1:end])
            in_word = True
            i = end + 1
        elif c == '"':
            i += 1
            in_word = True
            while True:
                if i >= n:
                    raise ValueError("No closing quotation")
                c = s[i]
                if c == '"':
                    i += 1
                    break
                if c == '\\' and i + 1 < n and s[i + 1] in '\\"$`\n':
                    # Inside double quotes a backslash escapes only these.
                    if s[i + 1] != '\n':
                        word.append(s[i + 1])
                    i += 2
                    continue
                if c == '\\' and i + 1 >= n:
                    raise ValueError("No closing quotation")
                word.append(c)
                i += 1
        elif c == '\\':
            if i + 1 >= n:
                raise ValueError("No escaped character")
            if s[i + 1] != '\n':
                word.append(s[i + 1])
                in_word = True
            i += 2
        else:
            word.append(c)
            in_word = True
            i += 1
    if in_word:
        words.append(''.join(word))
    return words


def join(split_command):
    """The words quoted and joined with spaces: the inverse of split()."""
    return ' '.join(quote(arg) for arg in split_command)


def quote(s):
    """`s` as one shell word: unchanged when safe, otherwise in single quotes."""
    if not s:
        return "''"
    if _unsafe(s) is None:
        return s
    return "'" + s.replace("'", "'\"'\"'") + "'"
