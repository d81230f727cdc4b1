"""Text wrapping and filling: wrap(), fill() and shorten() lay text out in lines of a given
width as CPython's module does (the same chunks, hyphen breaks and placeholders), and
dedent() / indent() change the margin of every line.
"""

import re

__all__ = ['TextWrapper', 'wrap', 'fill', 'dedent', 'indent', 'shorten']

# The characters textwrap counts as whitespace (not Unicode's wider set).
_whitespace = '\t\n\x0b\x0c\r '


def _chunk_pattern():
    # A chunk is a run of whitespace, an em-dash between words, or a word up to its end
    # or to a hyphen that may break it (between letters, after two letters or a letter-
    # hyphen-letter start, before one or two letters).
    word_punct = r'[\w!"\'&.,?]'
    letter = r'[^\d\W]'
    space = '[%s]' % re.escape(_whitespace)
    not_space = '[^' + space[1:]
    return re.compile(r'''
        ( {space}+
        | (?<={word_punct}) -{{2,}} (?=\w)
        | {not_space}+? (?:
              -(?: (?<={letter}{{2}}-) | (?<={letter}-{letter}-))
              (?= {letter} -? {letter})
            | (?={space}|\Z)
            | (?<={word_punct}) (?=-{{2,}}\w)
            )
        )'''.format(word_punct=word_punct, letter=letter, space=space,
                    not_space=not_space), re.VERBOSE)


class TextWrapper:
    """Wraps paragraphs to `width` columns; the attributes (the constructor's arguments)
    say how: indents for the first and later lines, tab expansion, whitespace replacement,
    two spaces after sentence ends, where long words and hyphenated words may break,
    whether whitespace at line ends is dropped, and with `max_lines` how many lines to keep
    before `placeholder`."""

    unicode_whitespace_trans = dict.fromkeys(map(ord, _whitespace), ord(' '))

    wordsep_re = _chunk_pattern()
    wordsep_simple_re = re.compile(r'([%s]+)' % re.escape(_whitespace))
    sentence_end_re = re.compile(r'[a-z]'
                                 r'[\.\!\?]'
                                 r'[\"\']?'
                                 r'\Z')

    def __init__(self,
                 width=70,
                 initial_indent="",
                 subsequent_indent="",
                 expand_tabs=True,
                 replace_whitespace=True,
                 fix_sentence_endings=False,
                 break_long_words=True,
                 drop_whitespace=True,
                 break_on_hyphens=True,
                 tabsize=8,
                 *,
                 max_lines=None,
                 placeholder=' [...]'):
        self.width = width
        self.initial_indent = initial_indent
        self.subsequent_indent = subsequent_indent
        self.expand_tabs = expand_tabs
        self.replace_whitespace = replace_whitespace
        self.fix_sentence_endings = fix_sentence_endings
        self.break_long_words = break_long_words
        self.drop_whitespace = drop_whitespace
        self.break_on_hyphens = break_on_hyphens
        self.tabsize = tabsize
        self.max_lines = max_lines
        self.placeholder = placeholder

    def _munge_whitespace(self, text):
        if self.expand_tabs:
            text = text.expandtabs(self.tabsize)
        if self.replace_whitespace:
            text = text.translate(self.unicode_whitespace_trans)
        return text

    def _split(self, text):
        pattern = self.wordsep_re if self.break_on_hyphens else self.wordsep_simple_re
        return [chunk for chunk in pattern.split(text) if chunk]

    def _fix_sentence_endings(self, chunks):
        i = 0
        while i < len(chunks) - 1:
            if chunks[i + 1] == " " and self.sentence_end_re.search(chunks[i]):
                chunks[i + 1] = "  "
                i += 2
            else:
                i += 1

    def _handle_long_word(self, reversed_chunks, cur_line, cur_len, width):
        # A chunk longer than a whole line: cut it to fill this one (after a hyphen that
        # fits, if any), or put it alone on the line when words may not break.
        space_left = 1 if width < 1 else width - cur_len
        if self.break_long_words:
            end = space_left
            chunk = reversed_chunks[-1]
            if self.break_on_hyphens and len(chunk) > space_left:
                hyphen = chunk.rfind('-', 0, space_left)
                if hyphen > 0 and any(c != '-' for c in chunk[:hyphen]):
                    end = hyphen + 1
            cur_line.append(chunk[:end])
            reversed_chunks[-1] = chunk[end:]
        elif not cur_line:
            cur_line.append(reversed_chunks.pop())

    def _wrap_chunks(self, chunks):
        if self.width <= 0:
            raise ValueError("invalid width %r (must be > 0)" % self.width)
        if self.max_lines is not None:
            indent = self.subsequent_indent if self.max_lines > 1 else self.initial_indent
            if len(indent) + len(self.placeholder.lstrip()) > self.width:
                raise ValueError("placeholder too large for max width")
        lines = []
        pending = list(reversed(chunks))
        while pending:
            indent = self.subsequent_indent if lines else self.initial_indent
            width = self.width - len(indent)
            if self.drop_whitespace and lines and pending[-1].strip() == '':
                pending.pop()
            line = []
            length = 0
            while pending and length + len(pending[-1]) <= width:
                length += len(pending[-1])
                line.append(pending.pop())
            if pending and len(pending[-1]) > width:
                self._handle_long_word(pending, line, length, width)
                length = sum(map(len, line))
            if self.drop_whitespace and line and line[-1].strip() == '':
                length -= len(line[-1])
                line.pop()
            if not line:
                continue
            rest_is_blank = not pending or (self.drop_whitespace and len(pending) == 1
                                            and not pending[0].strip())
            if self.max_lines is None or len(lines) + 1 < self.max_lines or \
                    (rest_is_blank and length <= width):
                lines.append(indent + ''.join(line))
                continue
            # The last line allowed: end it with the placeholder where it fits.
            while line:
                if line[-1].strip() and length + len(self.placeholder) <= width:
                    lines.append(indent + ''.join(line) + self.placeholder)
                    return lines
                length -= len(line[-1])
                line.pop()
            if lines:
                previous = lines[-1].rstrip()
                if len(previous) + len(self.placeholder) <= self.width:
                    lines[-1] = previous + self.placeholder
                    return lines
            lines.append(indent + self.placeholder.lstrip())
            return lines
        return lines

    def _split_chunks(self, text):
        return self._split(self._munge_whitespace(text))

    def wrap(self, text):
        """The lines of `text` wrapped, without line breaks."""
        chunks = self._split_chunks(text)
        if self.fix_sentence_endings:
            self._fix_sentence_endings(chunks)
        return self._wrap_chunks(chunks)

    def fill(self, text):
        """`text` wrapped, as one string."""
        return "\n".join(self.wrap(text))


def wrap(text, width=70, **kwargs):
    """The lines of `text` wrapped to `width` (see TextWrapper for the options)."""
    return TextWrapper(width=width, **kwargs).wrap(text)


def fill(text, width=70, **kwargs):
    """`text` wrapped to `width` as one string (see TextWrapper for the options)."""
    return TextWrapper(width=width, **kwargs).fill(text)


def shorten(text, width, **kwargs):
    """`text` with its whitespace collapsed, cut to fit `width` with a placeholder."""
    wrapper = TextWrapper(width=width, max_lines=1, **kwargs)
    return wrapper.fill(' '.join(text.strip().split()))


_blank_line_re = re.compile('^[ \t]+$', re.MULTILINE)
_margin_re = re.compile('(^[ \t]*)(?:[^ \t\n])', re.MULTILINE)


def dedent(text):
    """`text` without the spaces and tabs every non-blank line starts with (lines of only
    whitespace become empty)."""
    text = _blank_line_re.sub('', text)
    margin = None
    for leading in _margin_re.findall(text):
        if margin is None or margin.startswith(leading):
            margin = leading
        elif not leading.startswith(margin):
            common = 0
            while common < min(len(margin), len(leading)) and \
                    margin[common] == leading[common]:
                common += 1
            margin = margin[:common]
    if margin:
        text = re.sub(r'(?m)^' + margin, '', text)
    return text


def indent(text, prefix, predicate=None):
    """`text` with `prefix` before every line `predicate` accepts (by default, those not
    made only of whitespace)."""
    if predicate is None:
        def predicate(line):
            return line.strip()
    return ''.join(prefix + line if predicate(line) else line
                   for line in text.splitlines(True))
