"""Packaging glue: ships the top-level ``templates/`` folder inside the built quizengine package.

All metadata lives in setup.cfg. The design keeps templates at the top of the repository; a
wheel has no place for a top-level data folder, so the build copies it to quizengine/templates,
where ``quizengine.templates_dir()`` looks first. Editable installs read it from the checkout.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithTemplates(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source = Path(__file__).resolve().parent / "templates"
        target = Path(self.build_lib) / "quizengine" / "templates"
        for path in sorted(source.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                out = target / path.relative_to(source)
                self.mkpath(str(out.parent))
                self.copy_file(str(path), str(out))


setup(cmdclass={"build_py": BuildPyWithTemplates})
