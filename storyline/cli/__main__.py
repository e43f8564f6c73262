"""``python -m storyline.cli``."""

from . import main

main()
