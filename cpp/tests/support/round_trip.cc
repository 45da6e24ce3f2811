// Filled in by the codec round-trip helper.
