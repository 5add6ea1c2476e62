{ lib, ... }: { clan.terranix.enable = lib.mkDefault false; }
