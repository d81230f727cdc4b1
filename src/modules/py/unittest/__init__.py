"""
A unit testing framework in the manner of JUnit: test cases are classes derived from
TestCase whose `test*` methods use the assert* methods; unittest.main() finds them in the
module, runs them and reports on stderr.
"""

__all__ = ['TestResult', 'TestCase', 'IsolatedAsyncioTestCase', 'TestSuite',
           'TextTestRunner', 'TestLoader', 'FunctionTestCase', 'main',
           'defaultTestLoader', 'SkipTest', 'skip', 'skipIf', 'skipUnless',
           'expectedFailure', 'TextTestResult', 'installHandler',
           'registerResult', 'removeResult', 'removeHandler',
           'addModuleCleanup', 'doModuleCleanups', 'enterModuleContext',
           'getTestCaseNames', 'makeSuite', 'findTestCases']

__unittest = True

from unittest.result import TestResult
from unittest.case import (addModuleCleanup, TestCase, FunctionTestCase, SkipTest, skip,
                           skipIf, skipUnless, expectedFailure, doModuleCleanups)
from unittest.suite import BaseTestSuite, TestSuite
from unittest.loader import (TestLoader, defaultTestLoader, makeSuite, getTestCaseNames,
                             findTestCases)
from unittest.main import TestProgram, main
from unittest.runner import TextTestRunner, TextTestResult
from unittest.signals import installHandler, registerResult, removeResult, removeHandler

import unittest.case as case
import unittest.result as result
import unittest.suite as suite
import unittest.loader as loader
import unittest.runner as runner
import unittest.util as util
import unittest.signals as signals


def enterModuleContext(cm):
    result = cm.__enter__()
    addModuleCleanup(type(cm).__exit__, cm, None, None, None)
    return result


def __getattr__(name):
    if name == 'IsolatedAsyncioTestCase':
        raise ImportError("toy has no asyncio: unittest.IsolatedAsyncioTestCase is not available")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
