"""Run the interactive examples in docstrings and text files and check their output, as
CPython's doctest module: testmod, testfile, run_docstring_examples, the parser, finder,
runner and output checker, the option flags and `# doctest: +FLAG` directives.

Differences from CPython: an example runs as `eval` when it is an expression (its value is
shown as the interactive prompt shows it) and as `exec` otherwise, so a bare expression
inside a compound statement (`for x in y: x`) prints nothing; tracebacks of unexpected
exceptions show toy's frames. DocTestSuite/DocFileSuite, the debugger hooks and
script_from_examples are not provided.
"""

import builtins
import difflib
import inspect
import os
import re
import sys
import traceback
from collections import namedtuple
from io import StringIO

__all__ = [
    "register_optionflag", "DONT_ACCEPT_TRUE_FOR_1", "DONT_ACCEPT_BLANKLINE",
    "NORMALIZE_WHITESPACE", "ELLIPSIS", "SKIP", "IGNORE_EXCEPTION_DETAIL",
    "COMPARISON_FLAGS", "REPORT_UDIFF", "REPORT_CDIFF", "REPORT_NDIFF",
    "REPORT_ONLY_FIRST_FAILURE", "REPORTING_FLAGS", "FAIL_FAST", "Example", "DocTest",
    "DocTestParser", "DocTestFinder", "DocTestRunner", "OutputChecker", "DocTestFailure",
    "UnexpectedException", "testmod", "testfile", "run_docstring_examples",
]

TestResults = namedtuple("TestResults", "failed attempted")

OPTIONFLAGS_BY_NAME = {}


def register_optionflag(name):
    """The flag for `name`, a new bit the first time a name is registered."""
    return OPTIONFLAGS_BY_NAME.setdefault(name, 1 << len(OPTIONFLAGS_BY_NAME))


DONT_ACCEPT_TRUE_FOR_1 = register_optionflag("DONT_ACCEPT_TRUE_FOR_1")
DONT_ACCEPT_BLANKLINE = register_optionflag("DONT_ACCEPT_BLANKLINE")
NORMALIZE_WHITESPACE = register_optionflag("NORMALIZE_WHITESPACE")
ELLIPSIS = register_optionflag("ELLIPSIS")
SKIP = register_optionflag("SKIP")
IGNORE_EXCEPTION_DETAIL = register_optionflag("IGNORE_EXCEPTION_DETAIL")
COMPARISON_FLAGS = (DONT_ACCEPT_TRUE_FOR_1 | DONT_ACCEPT_BLANKLINE | NORMALIZE_WHITESPACE
                    | ELLIPSIS | SKIP | IGNORE_EXCEPTION_DETAIL)
REPORT_UDIFF = register_optionflag("REPORT_UDIFF")
REPORT_CDIFF = register_optionflag("REPORT_CDIFF")
REPORT_NDIFF = register_optionflag("REPORT_NDIFF")
REPORT_ONLY_FIRST_FAILURE = register_optionflag("REPORT_ONLY_FIRST_FAILURE")
FAIL_FAST = register_optionflag("FAIL_FAST")
REPORTING_FLAGS = (REPORT_UDIFF | REPORT_CDIFF | REPORT_NDIFF | REPORT_ONLY_FIRST_FAILURE
                   | FAIL_FAST)

BLANKLINE_MARKER = "<BLANKLINE>"
ELLIPSIS_MARKER = "..."

_TRACEBACK_HEADERS = ("Traceback (most recent call last):", "Traceback (innermost last):")


def _indent(text, width=4):
    return "".join(" " * width + line if line.strip() or line != "\n" else line
                   for line in text.splitlines(True))


def _with_newline(text):
    return text if not text or text.endswith("\n") else text + "\n"


# ----- examples and tests -----------------------------------------------------------------

class Example:
    """One interactive example: its source, the output it should print (or the exception
    message it should raise), where it is and its option directives."""

    def __init__(self, source, want, exc_msg=None, lineno=0, indent=0, options=None):
        self.source = _with_newline(source)
        self.want = _with_newline(want)
        self.exc_msg = _with_newline(exc_msg) if exc_msg is not None else None
        self.lineno = lineno
        self.indent = indent
        self.options = {} if options is None else options

    def __eq__(self, other):
        if type(self) is not type(other):
            return NotImplemented
        return ((self.source, self.want, self.lineno, self.indent, self.options, self.exc_msg)
                == (other.source, other.want, other.lineno, other.indent, other.options, other.exc_msg))

    def __hash__(self):
        return hash((self.source, self.want, self.lineno, self.indent, self.exc_msg))


class DocTest:
    """The examples of one docstring (or file), with the globals they run in."""

    def __init__(self, examples, globs, name, filename, lineno, docstring):
        self.examples = examples
        self.docstring = docstring
        self.globs = globs.copy()
        self.name = name
        self.filename = filename
        self.lineno = lineno

    def __repr__(self):
        count = len(self.examples)
        shown = "no examples" if count == 0 else "1 example" if count == 1 else "%d examples" % count
        return "<%s %s from %s:%s (%s)>" % (type(self).__name__, self.name, self.filename,
                                            self.lineno, shown)

    def __eq__(self, other):
        if type(self) is not type(other):
            return NotImplemented
        return ((self.examples, self.docstring, self.globs, self.name, self.filename, self.lineno)
                == (other.examples, other.docstring, other.globs, other.name, other.filename, other.lineno))

    def __hash__(self):
        return hash((self.docstring, self.name, self.filename, self.lineno))

    def __lt__(self, other):
        if not isinstance(other, DocTest):
            return NotImplemented
        return ((self.name, self.filename, -1 if self.lineno is None else self.lineno, id(self))
                < (other.name, other.filename, -1 if other.lineno is None else other.lineno, id(other)))


# ----- parsing ----------------------------------------------------------------------------

_DIRECTIVE = re.compile(r"#\s*doctest:\s*([^\n'\"]*)$", re.MULTILINE)


class DocTestParser:
    """Split a docstring into text and Examples."""

    def parse(self, string, name="<string>"):
        """The docstring as alternating text strings and Examples."""
        string = string.expandtabs()
        lines = string.split("\n")
        margin = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
        if margin > 0:
            lines = [l[margin:] for l in lines]
        output = []
        text = []
        i = 0
        while i < len(lines):
            line = lines[i]
            stripped = line.lstrip()
            if not stripped.startswith(">>>"):
                text.append(line + "\n")
                i += 1
                continue
            indent = len(line) - len(stripped)
            start = i
            source_lines = []
            while i < len(lines) and (i == start or lines[i][indent:indent + 3] == "..."):
                self._check_prompt(lines[i], indent, i, name)
                if i > start and lines[i][:indent].strip():
                    self._inconsistent(i, name, lines[i])
                source_lines.append(lines[i][indent + 4:])
                i += 1
            want_lines = []
            while i < len(lines) and lines[i].strip() and not lines[i].lstrip().startswith(">>>"):
                line = lines[i]
                if line[:indent].strip():
                    self._inconsistent(i, name, line)
                want_lines.append(line[indent:])
                i += 1
            output.append("".join(text))
            text = []
            source = "\n".join(source_lines)
            want = "\n".join(want_lines) + ("\n" if want_lines else "")
            options = self._options(source, name, start)
            if options and not _DIRECTIVE.sub("", source).strip():
                raise ValueError("line %r of the doctest for %s has an option directive on a "
                                 "line with no example: %r" % (start, name, source))
            output.append(Example(source, want, self._exc_msg(want), lineno=start,
                                  indent=indent + margin, options=options))
        output.append("".join(text)[:-1] if text else "")
        return output

    def _check_prompt(self, line, indent, lineno, name):
        marker = line[indent + 3:indent + 4]
        if marker not in ("", " ", "\n"):
            raise ValueError("line %r of the docstring for %s lacks blank after %s: %r"
                             % (lineno + 1, name, line[indent:indent + 3], line))

    def _inconsistent(self, lineno, name, line):
        raise ValueError("line %r of the docstring for %s has inconsistent leading whitespace: %r"
                         % (lineno + 1, name, line))

    def _exc_msg(self, want):
        """The exception part of an expected traceback: from the first line after the header
        that is not indented (the stack, shown or elided, is)."""
        lines = want.split("\n")
        if not lines or lines[0].strip() not in _TRACEBACK_HEADERS:
            return None
        for i, line in enumerate(lines[1:], 1):
            if line and not line[0].isspace() and line.strip() != ELLIPSIS_MARKER:
                return "\n".join(lines[i:])
        return None

    def _options(self, source, name, lineno):
        options = {}
        for match in _DIRECTIVE.finditer(source):
            for option in match.group(1).replace(",", " ").split():
                if option[:1] not in "+-" or option[1:] not in OPTIONFLAGS_BY_NAME:
                    raise ValueError("line %r of the doctest for %s has an invalid option: %r"
                                     % (lineno + 1, name, option))
                options[OPTIONFLAGS_BY_NAME[option[1:]]] = option[0] == "+"
        return options

    def get_examples(self, string, name="<string>"):
        return [x for x in self.parse(string, name) if isinstance(x, Example)]

    def get_doctest(self, string, globs, name, filename, lineno):
        return DocTest(self.get_examples(string, name), globs, name, filename, lineno, string)


# ----- finding ----------------------------------------------------------------------------

class DocTestFinder:
    """Collect the DocTests of an object and, for modules and classes, of what they define."""

    def __init__(self, verbose=False, parser=DocTestParser(), recurse=True, exclude_empty=True):
        self._verbose = verbose
        self._parser = parser
        self._recurse = recurse
        self._exclude_empty = exclude_empty

    def find(self, obj, name=None, module=None, globs=None, extraglobs=None):
        if name is None:
            name = getattr(obj, "__name__", None)
            if name is None:
                raise ValueError("DocTestFinder.find: name must be given when obj.__name__ "
                                 "doesn't exist: %r" % (type(obj),))
        if module is False:
            module = None
        elif module is None:
            module = inspect.getmodule(obj)
        try:
            filename = inspect.getsourcefile(obj) or inspect.getfile(obj)
        except TypeError:
            filename = None
        if filename is None and module is not None:
            filename = getattr(module, "__file__", None) or module.__name__
        self._source_lines = None
        if filename is not None and os.path.exists(filename):
            with open(filename, encoding="utf-8") as f:
                self._source_lines = f.read().split("\n")
        if globs is None:
            globs = {} if module is None else module.__dict__.copy()
        else:
            globs = globs.copy()
        if extraglobs is not None:
            globs.update(extraglobs)
        if "__name__" not in globs:
            globs["__name__"] = "__main__"
        tests = []
        self._find(tests, obj, name, module, globs, {}, filename)
        tests.sort()
        return tests

    def _from_module(self, module, obj):
        if module is None:
            return True
        if inspect.isfunction(obj):
            return module.__dict__ is obj.__globals__
        if inspect.isclass(obj) or isinstance(obj, property):
            owner = getattr(obj, "__module__", None)
            if isinstance(obj, property):
                owner = getattr(obj.fget, "__module__", module.__name__)
            return owner == module.__name__
        return True

    def _find(self, tests, obj, name, module, globs, seen, filename):
        if self._verbose:
            print("Finding tests in %s" % name)
        if id(obj) in seen:
            return
        seen[id(obj)] = 1
        test = self._get_test(obj, name, module, globs, filename)
        if test is not None:
            tests.append(test)
        if not self._recurse:
            return
        if inspect.ismodule(obj):
            for valname, val in obj.__dict__.items():
                if (inspect.isfunction(val) or inspect.isclass(val)) and self._from_module(module, val):
                    self._find(tests, val, "%s.%s" % (name, valname), module, globs, seen, filename)
            for valname, val in getattr(obj, "__test__", {}).items():
                if not isinstance(valname, str):
                    raise ValueError("DocTestFinder.find: __test__ keys must be strings: %r"
                                     % (type(valname),))
                if not (inspect.isfunction(val) or inspect.isclass(val) or inspect.ismethod(val)
                        or inspect.ismodule(val) or isinstance(val, str)):
                    raise ValueError("DocTestFinder.find: __test__ values must be strings, "
                                     "functions, methods, classes, or modules: %r" % (type(val),))
                self._find(tests, val, "%s.__test__.%s" % (name, valname), module, globs, seen, filename)
        if inspect.isclass(obj):
            for valname, val in obj.__dict__.items():
                if isinstance(val, (staticmethod, classmethod)):
                    val = val.__func__
                if ((inspect.isfunction(val) or inspect.isclass(val) or isinstance(val, property))
                        and self._from_module(module, val)):
                    self._find(tests, val, "%s.%s" % (name, valname), module, globs, seen, filename)

    def _get_test(self, obj, name, module, globs, filename):
        if isinstance(obj, str):
            docstring = obj
        else:
            docstring = getattr(obj, "__doc__", None)
            if docstring is None and isinstance(obj, property):
                docstring = getattr(obj.fget, "__doc__", None)
            docstring = docstring or ""
            if not isinstance(docstring, str):
                docstring = str(docstring)
        if self._exclude_empty and not docstring:
            return None
        lineno = self._lineno(obj)
        return self._parser.get_doctest(docstring, globs, name, filename, lineno)

    def _lineno(self, obj):
        """The 0-based line where the object's docstring starts in its file, when known."""
        if inspect.ismodule(obj):
            return 0
        if isinstance(obj, property):
            obj = obj.fget
        code = getattr(obj, "__code__", None)
        lines = self._source_lines
        if lines is None:
            return None
        if inspect.isclass(obj):
            pattern = re.compile(r"^\s*class\s+%s\b" % re.escape(getattr(obj, "__name__", "-")))
            start = next((i for i, line in enumerate(lines) if pattern.match(line)), None)
        elif code is not None:
            start = code.co_firstlineno - 1
        else:
            return None
        if start is None:
            return None
        # The docstring is the first string literal after the header.
        for i in range(start, len(lines)):
            text = lines[i].strip()
            if i > start and text and text.lstrip("rRuUbB")[:1] in ("'", '"'):
                return i
        return start


# ----- checking output --------------------------------------------------------------------

def _ellipsis_match(want, got):
    """Whether `got` matches `want`, where each '...' in want stands for any text."""
    if ELLIPSIS_MARKER not in want:
        return want == got
    pieces = want.split(ELLIPSIS_MARKER)
    first, last = pieces[0], pieces[-1]
    if not got.startswith(first) or not got.endswith(last):
        return False
    start, end = len(first), len(got) - len(last)
    if start > end:
        return False
    for piece in pieces[1:-1]:
        found = got.find(piece, start, end)
        if found < 0:
            return False
        start = found + len(piece)
    return True


class OutputChecker:
    def check_output(self, want, got, optionflags):
        if got == want:
            return True
        if not optionflags & DONT_ACCEPT_TRUE_FOR_1:
            if (got, want) in (("True\n", "1\n"), ("False\n", "0\n")):
                return True
        if not optionflags & DONT_ACCEPT_BLANKLINE:
            want = re.sub(r"(?m)^%s\s*?$" % re.escape(BLANKLINE_MARKER), "", want)
            got = re.sub(r"(?m)^[^\S\n]+$", "", got)
            if got == want:
                return True
        if optionflags & NORMALIZE_WHITESPACE:
            got = " ".join(got.split())
            want = " ".join(want.split())
            if got == want:
                return True
        if optionflags & ELLIPSIS:
            if _ellipsis_match(want, got):
                return True
        return False

    def _use_diff(self, want, got, optionflags):
        if not optionflags & (REPORT_UDIFF | REPORT_CDIFF | REPORT_NDIFF):
            return False
        if optionflags & REPORT_NDIFF:
            return True
        return want.count("\n") > 2 and got.count("\n") > 2

    def output_difference(self, example, got, optionflags):
        want = example.want
        if not optionflags & DONT_ACCEPT_BLANKLINE:
            got = re.sub(r"(?m)^[ ]*(?=\n)", BLANKLINE_MARKER, got)
        if self._use_diff(want, got, optionflags):
            want_lines = want.splitlines(True)
            got_lines = got.splitlines(True)
            if optionflags & REPORT_UDIFF:
                diff = list(difflib.unified_diff(want_lines, got_lines, n=2))[2:]
                kind = "unified diff with -expected +actual"
            elif optionflags & REPORT_CDIFF:
                diff = list(difflib.context_diff(want_lines, got_lines, n=2))[2:]
                kind = "context diff with expected followed by actual"
            else:
                diff = list(difflib.Differ(charjunk=difflib.IS_CHARACTER_JUNK).compare(want_lines, got_lines))
                kind = "ndiff with -expected +actual"
            diff = [line.rstrip() + "\n" for line in diff]
            return "Differences (%s):\n" % kind + _indent("".join(diff))
        if want and got:
            return "Expected:\n%sGot:\n%s" % (_indent(want), _indent(got))
        if want:
            return "Expected:\n%sGot nothing\n" % _indent(want)
        if got:
            return "Expected nothing\nGot:\n%s" % _indent(got)
        return "Expected nothing\nGot nothing\n"


# ----- running ----------------------------------------------------------------------------

class DocTestFailure(Exception):
    def __init__(self, test, example, got):
        self.test = test
        self.example = example
        self.got = got

    def __str__(self):
        return str(self.test)


class UnexpectedException(Exception):
    def __init__(self, test, example, exc_info):
        self.test = test
        self.example = example
        self.exc_info = exc_info

    def __str__(self):
        return str(self.test)


def _exception_only(exc):
    return traceback.format_exception_only(type(exc), exc)[-1]


def _strip_detail(message):
    """The exception's class name alone, without its module or the text after the colon."""
    head = message.split(":", 1)[0].strip()
    return head.rsplit(".", 1)[-1]


class DocTestRunner:
    DIVIDER = "*" * 70

    def __init__(self, checker=None, verbose=None, optionflags=0):
        self._checker = checker or OutputChecker()
        if verbose is None:
            verbose = "-v" in sys.argv
        self._verbose = verbose
        self.optionflags = optionflags
        self.original_optionflags = optionflags
        self.tries = 0
        self.failures = 0
        self._name2ft = {}

    def report_start(self, out, test, example):
        if self._verbose:
            if example.want:
                out("Trying:\n" + _indent(example.source) + "Expecting:\n" + _indent(example.want))
            else:
                out("Trying:\n" + _indent(example.source) + "Expecting nothing\n")

    def report_success(self, out, test, example, got):
        if self._verbose:
            out("ok\n")

    def report_failure(self, out, test, example, got):
        out(self._failure_header(test, example)
            + self._checker.output_difference(example, got, self.optionflags))

    def report_unexpected_exception(self, out, test, example, exc_info):
        out(self._failure_header(test, example) + "Exception raised:\n"
            + _indent("".join(traceback.format_exception(*exc_info))))

    def _failure_header(self, test, example):
        out = [self.DIVIDER]
        if test.filename:
            if test.lineno is not None and example.lineno is not None:
                lineno = test.lineno + example.lineno + 1
            else:
                lineno = "?"
            out.append('File "%s", line %s, in %s' % (test.filename, lineno, test.name))
        else:
            out.append("Line %s, in %s" % (example.lineno + 1, test.name))
        out.append("Failed example:")
        out.append(_indent(example.source))
        return "\n".join(out)

    def _execute(self, example, filename, globs):
        """Run one example: an expression shows its value as the interactive prompt does."""
        try:
            code = compile(example.source, filename, "eval")
        except SyntaxError:
            code = None
        if code is None:
            exec(compile(example.source, filename, "exec"), globs)
            return
        value = eval(code, globs)
        if value is not None:
            builtins._ = None
            print(repr(value))
            builtins._ = value

    def run(self, test, compileflags=None, out=None, clear_globs=True):
        self.test = test
        if out is None:
            out = sys.stdout.write
        saved_stdout = sys.stdout
        try:
            return self._run(test, out, saved_stdout)
        finally:
            sys.stdout = saved_stdout
            if clear_globs:
                test.globs.clear()
                builtins._ = None

    def _run(self, test, out, real_stdout):
        failures = tries = 0
        original = self.optionflags
        checker = self._checker
        for index, example in enumerate(test.examples):
            quiet = self.optionflags & REPORT_ONLY_FIRST_FAILURE and failures > 0
            self.optionflags = original
            for flag, on in example.options.items():
                if on:
                    self.optionflags |= flag
                else:
                    self.optionflags &= ~flag
            if self.optionflags & SKIP:
                continue
            tries += 1
            if not quiet:
                sys.stdout = real_stdout
                self.report_start(out, test, example)
            filename = "<doctest %s[%d]>" % (test.name, index)
            captured = StringIO()
            sys.stdout = captured
            exc_info = None
            try:
                self._execute(example, filename, test.globs)
            except KeyboardInterrupt:
                raise
            except BaseException as e:
                # The example's own frames, without the runner's.
                tb = e.__traceback__
                while tb is not None and tb.tb_frame.f_code.co_filename != filename:
                    tb = tb.tb_next
                exc_info = (type(e), e, tb or e.__traceback__)
            finally:
                sys.stdout = real_stdout
            got = captured.getvalue()
            outcome = "failure"
            if exc_info is None:
                if checker.check_output(example.want, got, self.optionflags):
                    outcome = "success"
            else:
                message = _exception_only(exc_info[1])
                if not quiet:
                    got += "".join(traceback.format_exception(*exc_info))
                if example.exc_msg is None:
                    outcome = "boom"
                elif checker.check_output(example.exc_msg, message, self.optionflags):
                    outcome = "success"
                elif self.optionflags & IGNORE_EXCEPTION_DETAIL and checker.check_output(
                        _strip_detail(example.exc_msg), _strip_detail(message), self.optionflags):
                    outcome = "success"
            if outcome == "success":
                if not quiet:
                    self.report_success(out, test, example, got)
            else:
                if not quiet:
                    if outcome == "failure":
                        self.report_failure(out, test, example, got)
                    else:
                        self.report_unexpected_exception(out, test, example, exc_info)
                failures += 1
                if self.optionflags & FAIL_FAST:
                    break
        self.optionflags = original
        self._record(test, failures, tries)
        return TestResults(failures, tries)

    def _record(self, test, failures, tries):
        old_f, old_t = self._name2ft.get(test.name, (0, 0))
        self._name2ft[test.name] = (old_f + failures, old_t + tries)
        self.failures += failures
        self.tries += tries

    def summarize(self, verbose=None):
        if verbose is None:
            verbose = self._verbose
        notests, passed, failed = [], [], []
        total_tries = total_failures = 0
        for name, (f, t) in self._name2ft.items():
            total_tries += t
            total_failures += f
            if t == 0:
                notests.append(name)
            elif f == 0:
                passed.append((name, t))
            else:
                failed.append((name, (f, t)))
        if verbose:
            if notests:
                print(len(notests), "items had no tests:")
                for name in sorted(notests):
                    print("   ", name)
            if passed:
                print(len(passed), "items passed all tests:")
                for name, count in sorted(passed):
                    print(" %3d tests in %s" % (count, name))
        if failed:
            print(self.DIVIDER)
            print(len(failed), "items had failures:")
            for name, (f, t) in sorted(failed):
                print(" %3d of %3d in %s" % (f, t, name))
        if verbose:
            print(total_tries, "tests in", len(self._name2ft), "items.")
            print(total_tries - total_failures, "passed and", total_failures, "failed.")
        if total_failures:
            print("***Test Failed***", total_failures, "failures.")
        elif verbose:
            print("Test passed.")
        return TestResults(total_failures, total_tries)

    def merge(self, other):
        for name, (f, t) in other._name2ft.items():
            old_f, old_t = self._name2ft.get(name, (0, 0))
            self._name2ft[name] = (old_f + f, old_t + t)


class DebugRunner(DocTestRunner):
    """A runner that raises the first failure (DocTestFailure) or unexpected exception
    (UnexpectedException) instead of reporting it."""

    def run(self, test, compileflags=None, out=None, clear_globs=True):
        result = DocTestRunner.run(self, test, compileflags, out, False)
        if clear_globs:
            test.globs.clear()
        return result

    def report_unexpected_exception(self, out, test, example, exc_info):
        raise UnexpectedException(test, example, exc_info)

    def report_failure(self, out, test, example, got):
        raise DocTestFailure(test, example, got)


# ----- entry points -----------------------------------------------------------------------

master = None


def _runner(verbose, optionflags, raise_on_error):
    if raise_on_error:
        return DebugRunner(verbose=verbose, optionflags=optionflags)
    return DocTestRunner(verbose=verbose, optionflags=optionflags)


def _remember(runner):
    global master
    if master is None:
        master = runner
    else:
        master.merge(runner)


def testmod(m=None, name=None, globs=None, verbose=None, report=True, optionflags=0,
            extraglobs=None, raise_on_error=False, exclude_empty=False):
    """Test the examples in the docstrings of module m (__main__ by default), of the
    functions and classes it defines, and of its __test__ dict."""
    if m is None:
        m = sys.modules.get("__main__")
    if not inspect.ismodule(m):
        raise TypeError("testmod: module required; %r" % (m,))
    if name is None:
        name = m.__name__
    finder = DocTestFinder(exclude_empty=exclude_empty)
    runner = _runner(verbose, optionflags, raise_on_error)
    for test in finder.find(m, name, globs=globs, extraglobs=extraglobs):
        runner.run(test)
    if report:
        runner.summarize()
    _remember(runner)
    return TestResults(runner.failures, runner.tries)


def testfile(filename, module_relative=True, name=None, package=None, globs=None,
             verbose=None, report=True, optionflags=0, extraglobs=None, raise_on_error=False,
             parser=DocTestParser(), encoding=None):
    """Test the examples in a text file, a path relative to the calling module's folder
    unless module_relative is false."""
    if package and not module_relative:
        raise ValueError("Package may only be specified for module-relative paths.")
    path = filename
    if module_relative:
        if os.path.isabs(filename):
            raise ValueError("Module-relative files may not have absolute paths")
        base = package.__file__ if inspect.ismodule(package) else None
        if base is None:
            caller = sys._getframe(1).f_globals.get("__file__")
            base = caller if caller else os.path.join(os.getcwd(), "x")
        path = os.path.join(os.path.dirname(base), *filename.split("/"))
    with open(path, encoding=encoding or "utf-8") as f:
        text = f.read()
    if name is None:
        name = os.path.basename(filename)
    globs = {} if globs is None else globs.copy()
    if extraglobs is not None:
        globs.update(extraglobs)
    if "__name__" not in globs:
        globs["__name__"] = "__main__"
    runner = _runner(verbose, optionflags, raise_on_error)
    test = parser.get_doctest(text, globs, name, filename, 0)
    runner.run(test)
    if report:
        runner.summarize()
    _remember(runner)
    return TestResults(runner.failures, runner.tries)


def run_docstring_examples(f, globs, verbose=False, name="NoName", compileflags=None,
                           optionflags=0):
    """Test the examples in f's docstring only, in the globals `globs`."""
    finder = DocTestFinder(verbose=verbose, recurse=False)
    runner = DocTestRunner(verbose=verbose, optionflags=optionflags)
    for test in finder.find(f, name, globs=globs):
        runner.run(test, compileflags=compileflags)
