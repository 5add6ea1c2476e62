# Terranix gives variable and module blocks no reference functor.
{ config, ... }: {
  variable.region = { };
  output.region.value = config.variable.region "default";
}
