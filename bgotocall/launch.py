"""The web process: Reflex's `reflex run`, minus its rewriting of the repository's tracked files.

Reflex 0.10.1 re-initialises the app whenever its build folder is new (a fresh clone, every test
run) and then touches requirements.txt, rewrites .gitignore and copies its frontend lockfiles back
into reflex.lock/ even when nothing changed. The new time on requirements.txt made every later
`make` target reinstall the virtual environment. Here each of those writes happens only when it
would change the file's content, which is never for this repository.
"""
from __future__ import annotations

from pathlib import Path


def _keep_unchanged_files_untouched() -> None:
    from reflex.utils import frontend_skeleton, path_ops

    def requirements_pin_reflex(*_args, **_kwargs) -> bool:
        # requirements.txt pins reflex[db]; Reflex's version touches it before reading it.
        return False

    gitignore_as_reflex_would = frontend_skeleton.initialize_gitignore

    def gitignore_if_lines_missing(gitignore_file=frontend_skeleton.constants.GitIgnore.FILE,
                                   files_to_ignore=frontend_skeleton.constants.GitIgnore.DEFAULTS):
        present = set(Path(gitignore_file).read_text().splitlines()) if Path(gitignore_file).exists() else set()
        if not set(files_to_ignore) <= present:
            gitignore_as_reflex_would(gitignore_file, files_to_ignore)

    def lockfile_to_root_if_changed(filename: str) -> None:
        web = frontend_skeleton.get_web_lockfile_path(filename)
        root = frontend_skeleton.get_root_lockfile_path(filename)
        if web.exists() and not (root.exists() and root.read_bytes() == web.read_bytes()):
            path_ops.mkdir(root.parent)
            path_ops.cp(web, root)

    frontend_skeleton.initialize_requirements_txt = requirements_pin_reflex
    frontend_skeleton.initialize_gitignore = gitignore_if_lines_missing
    frontend_skeleton.sync_web_lockfile_to_root = lockfile_to_root_if_changed


def main() -> None:
    _keep_unchanged_files_untouched()
    from reflex.reflex import cli

    cli(prog_name="reflex")


if __name__ == "__main__":
    main()
