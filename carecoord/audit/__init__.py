"""Access log after NEN 7513: who did what to which object, when, with which outcome."""
