# A field Terranix's s3 backend submodule does not declare.
{ backend.s3 = { bucket = "b"; key = "k"; region = "r"; encrypt = true; }; }
