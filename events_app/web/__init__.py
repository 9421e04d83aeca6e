"""HTTP layer: controllers parse input, call one service, and return JSON, a page or a feed."""
