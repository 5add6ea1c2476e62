{ lib, ... }: { imports = [ ../infrastructure/providers/aws.nix lib.clanInfra.providers.aws ]; }
