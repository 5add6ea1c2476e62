# In the style of terranix-module-github: the same with a typed module (submodule options).
{ config, lib, ... }:
let inherit (lib) mkOption types; in
{
  options.github.repositories = mkOption {
    default = { };
    type = types.attrsOf (types.submodule ({ name, ... }: {
      options.name = mkOption { type = types.str; default = name; };
      options.description = mkOption { type = types.str; default = ""; };
      options.archived = mkOption { type = types.bool; default = false; };
    }));
  };
  config.github.repositories.infra.description = "Infrastructure";
  config.github.repositories.old.archived = true;
  config.resource.github_repository = lib.mapAttrs (_: r: { inherit (r) name description archived; }) config.github.repositories;
}
