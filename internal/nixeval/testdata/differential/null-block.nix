# A block set to null: Terranix strips it before reading it, and fails.
{ resource = { }; data.x = { }; locals = { }; output.o = { }; variable = null; terraform.backend = { }; }
