"""The live engine: the acquisition loop, its threads and device writes."""
