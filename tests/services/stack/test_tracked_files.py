"""Starting the product rewrites none of the repository's files: a touched requirements.txt made
every later `make` target reinstall the whole virtual environment."""
from tests.support.repository import tracked_files


def test_starting_the_stack_leaves_every_tracked_file_untouched(tracked_files_before_start, product):
    after = tracked_files()
    rewritten = sorted(name for name, state in tracked_files_before_start.items()
                       if after.get(name) != state)
    assert rewritten == []
