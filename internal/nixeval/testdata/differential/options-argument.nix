# Reading the `options` module argument (declarations and their state).
{ options, lib, ... }:
{ locals.declared = options.locals.isDefined; }
