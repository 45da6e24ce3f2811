// Filled in by the golden-fixture loader.
