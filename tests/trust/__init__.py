"""Trust tests (issue 5): exactly once, nothing lost, time, access, abuse, faked positions, fuzz."""
