"""Case handling (执法办案): from the filed case to the closed file."""
