# mkIf/mkMerge at the top level and inside blocks, conditions reading config.
{ config, lib, ... }:
lib.mkMerge [
  { variable.env.default = "prod"; locals.replicas = 3; }
  (lib.mkIf (config.locals.replicas > 2) { resource.null_resource.lb = { }; })
  (lib.mkIf false { resource.null_resource.never = { }; })
  { resource.null_resource.x.triggers = lib.mkMerge [ { a = "1"; } (lib.mkIf true { b = "2"; }) ]; }
]
