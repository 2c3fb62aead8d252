"""The care-coordination trajectory: phases, steps, the client file and the caseload."""
