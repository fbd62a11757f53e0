"""The built-in demo steel works: plant physics with its incidents, the Modbus and OPC UA servers
that serve it over real sockets, the simulator process, and the scenario bank the benchmarks and
tests run through the evaluation pipeline."""
