# The same in an imported module.
{
  imports = [ ({ lib }: { locals.x = lib.toUpper "a"; }) ];
}
