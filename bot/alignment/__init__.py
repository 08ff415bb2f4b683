"""Alignment: facts pulled from work seekers' and employers' reflections, to set their needs and offers side by side."""
