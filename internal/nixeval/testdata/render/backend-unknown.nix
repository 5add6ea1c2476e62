# Terranix declares three backends; another one is its error (terraform.backend.gcs is the way).
{ backend.gcs = { bucket = "b"; }; }
