# mkOption { apply }: Terranix renders the applied value (0, not false).
{ config, lib, ... }:
{
  options.replicas = lib.mkOption { type = lib.types.bool; default = false; apply = v: if v then 1 else 0; };
  config.resource.null_resource.x.count = config.replicas;
}
