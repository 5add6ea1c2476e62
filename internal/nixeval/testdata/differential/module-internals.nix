# Reading config._module and the extendModules argument.
{ config, extendModules, ... }:
{ locals.pkgs = builtins.attrNames config._module.args; }
