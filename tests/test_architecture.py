"""The rules in ARCHITECTURE.md, checked on the source.

Everything but the public-API tests reads the code with ``ast`` and imports nothing from the
package, so these run in well under a second. (That notebooks define no functions or classes is
checked in test_project.py.)
"""

import ast
import inspect
import re
from functools import cache
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "cfanalysis"

# Lowest first: a module may import its own layer and those before it, never one after.
LAYERS = ["base", "data", "analysis", "plots", "publish", "top"]
# Where each module lives, by the first name after ``cfanalysis.``; the package itself is "top"
# because its __init__ re-exports every layer.
LAYER_OF_FIRST_NAME = {"periods": "base", "words": "base", "labels": "base", "parameters": "base", "data": "data",
                       "analysis": "analysis", "plots": "plots", "publish": "publish", "cli": "top", "__main__": "top"}

IO_MODULES = {"pathlib", "os", "shutil", "io", "json", "csv", "openpyxl"}
IO_NAMES = {"open", "Path", "savefig", "read_csv", "read_excel"}
IO_METHODS = {"open", "read_text", "write_text", "read_bytes", "write_bytes", "to_csv", "to_excel",
              "to_parquet", "to_pickle", "savefig"}

MAX_FUNCTION_LINES = 60
LONG_REASON = re.compile(r"# long:\s*\S")


def package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path) for path in package_files()}


@cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(REPO)}:{node.lineno}"


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return "top" if len(parts) == 1 else LAYER_OF_FIRST_NAME.get(parts[1])


def imported_modules(path: Path):
    """Each cfanalysis module that ``path`` imports, as (import node, dotted name).

    Relative imports are resolved against the module's package; ``from x import y`` counts as
    importing ``x.y`` when that is a module. Dunder names from the package itself
    (``from cfanalysis import __version__``) are metadata, not a dependency on the re-exports.
    """
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            source = ".".join(part for part in (base, node.module) if part)
            targets = {f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source
                       for alias in node.names
                       if not (source == "cfanalysis" and alias.name.startswith("__"))}
        else:
            continue
        for target in sorted(targets):
            if target == "cfanalysis" or target.startswith("cfanalysis."):
                yield node, target


def test_every_module_belongs_to_a_layer():
    unplaced = [name for name in sorted(MODULES) if layer_of(name) is None]
    assert not unplaced, ("Modules in no layer (add them to ARCHITECTURE.md and "
                          f"LAYER_OF_FIRST_NAME here): {unplaced}")


def test_no_module_imports_a_layer_above_its_own():
    upward = []
    for path in package_files():
        own = layer_of(module_name(path))
        for node, target in imported_modules(path):
            theirs = layer_of(target)
            if own and theirs and LAYERS.index(theirs) > LAYERS.index(own):
                upward.append(f"{where(path, node)} {module_name(path)} ({own}) imports {target} ({theirs})")
    assert not upward, ("Imports that go up the layers " + " -> ".join(LAYERS) + ":\n"
                        + "\n".join(upward))


def file_io(tree: ast.Module):
    """(node, what) for each import of a file-handling module and each call that reads or writes."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module]
        else:
            names = []
        for name in names:
            if name.split(".")[0] in IO_MODULES:
                yield node, f"imports {name}"
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id in IO_NAMES:
            yield node, f"calls {function.id}("
        elif isinstance(function, ast.Attribute):
            owner = function.value.id if isinstance(function.value, ast.Name) else ""
            if (function.attr in IO_METHODS
                    or (owner in ("pd", "pandas") and function.attr.startswith("read_"))
                    or (owner == "json" and function.attr in ("load", "dump"))):
                yield node, f"calls {owner + '.' if owner else '.'}{function.attr}("


def test_analysis_does_no_file_io():
    found = [f"{where(path, node)} {what}" for path in package_files()
             if layer_of(module_name(path)) == "analysis" for node, what in file_io(parse(path))]
    assert not found, ("analysis/ computes only: files are read in data/ and written in publish/.\n"
                       + "\n".join(found))


def test_analysis_writes_no_words():
    """analysis/ returns numbers and typed results; every sentence is composed in publish/ (issue 17),
    where the disclosure policy is in hand, so analysis/ never imports cfanalysis.words and no result
    has a summary() or sentence() of its own (their words: cf.describe in publish/descriptions.py)."""
    found = [f"{where(path, node)} imports {target}" for path in package_files()
             if layer_of(module_name(path)) == "analysis"
             for node, target in imported_modules(path) if target == "cfanalysis.words"]
    found += [f"{where(path, node)} defines {node.name}()" for path in package_files()
              if layer_of(module_name(path)) == "analysis" for node in ast.walk(parse(path))
              if isinstance(node, ast.FunctionDef) and node.name in ("summary", "sentence")]
    assert not found, ("Words are written in publish/ (publish/descriptions.py, publish/sentences.py), "
                       "not in analysis/:\n" + "\n".join(found))


def functions(node: ast.AST, prefix: str = ""):
    """(qualified name, node) for every function and method, nested ones included."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = prefix + child.name
            if not isinstance(child, ast.ClassDef):
                yield name, child
            yield from functions(child, name + ".")
        else:
            yield from functions(child, prefix)


def test_functions_are_at_most_60_lines_unless_they_say_why():
    long = []
    for path in package_files():
        lines = path.read_text().splitlines()
        for name, node in functions(parse(path)):
            length = node.end_lineno - node.lineno + 1
            said = lines[max(node.lineno - 2, 0):node.lineno]  # the line before the def, and the def
            if length > MAX_FUNCTION_LINES and not any(LONG_REASON.search(line) for line in said):
                long.append(f"{where(path, node)} {name}: {length} lines")
    assert not long, (f"Functions over {MAX_FUNCTION_LINES} lines (split them, or put '# long: <why>' "
                      "on the def line or the line before):\n" + "\n".join(long))


def test_all_is_sorted_without_duplicates():
    import cfanalysis

    exported = list(cfanalysis.__all__)
    assert exported == sorted(exported), "cfanalysis.__all__ is not sorted"
    assert len(set(exported)) == len(exported), "cfanalysis.__all__ has duplicates"


def test_every_exported_name_is_a_function_or_class():
    import cfanalysis

    wrong = []
    for name in cfanalysis.__all__:
        try:
            value = getattr(cfanalysis, name)
        except AttributeError as error:
            wrong.append(f"{name}: does not resolve ({error})")
            continue
        if not (inspect.isclass(value) or inspect.isfunction(inspect.unwrap(value))):
            wrong.append(f"{name}: a {type(value).__name__}, not a function or class")
    assert not wrong, "cfanalysis.__all__ exports:\n" + "\n".join(wrong)


def test_no_exported_name_is_a_module_name():
    import cfanalysis

    module_basenames = {name.rpartition(".")[2] for name in MODULES} - {"cfanalysis"}
    clashes = sorted(set(cfanalysis.__all__) & module_basenames)
    assert not clashes, f"Exported names that are also module names in cfanalysis/: {clashes}"
