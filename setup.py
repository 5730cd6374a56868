"""The fused C trajectory kernels, built by ``pip install`` where a C compiler is (optional: without
one the install goes on, and optviz runs its numpy loops, with the same numbers). The optimizers'
updates in C are generated from their rules first (optviz/codegen.py, which needs numpy: a build
requirement in pyproject.toml). Everything else is in pyproject.toml. ``make`` builds the same
library itself (optviz/_fused.so) and sets OPTVIZ_BUILD_FUSED=0 for its own pip install, so it is
compiled once."""
import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# IEEE arithmetic as numpy does it: no fused multiply-add, no fast-math (results stay bit-identical)
FLAGS = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math"]


class OptionalBuild(build_ext):
    """A failed compile is a warning, not a failed install."""

    def run(self):
        try:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            from optviz import codegen  # the rules -> optviz/_fused_rules.h

            codegen.write()
            super().run()
        except Exception as e:  # no compiler, no headers: the numpy loops run instead
            print(f"optviz: the fused C kernels were not built ({e}); optviz runs its numpy loops")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as e:
            print(f"optviz: the fused C kernels were not built ({e}); optviz runs its numpy loops")


build = os.environ.get("OPTVIZ_BUILD_FUSED", "1") != "0"
# loaded with ctypes (optviz/fused.py), not imported: a plain shared library with an extension's name
ext = [Extension("optviz._fused", ["optviz/_fused.c"], depends=["optviz/_fused_rules.h"],
                 extra_compile_args=FLAGS, libraries=["m"])] if build else []
setup(ext_modules=ext, cmdclass={"build_ext": OptionalBuild})
