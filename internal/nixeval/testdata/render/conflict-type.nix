# A list in one module, a string in another.
{ imports = [ { output.o.value = [ "a" ]; } ]; output.o.value = "a"; }
