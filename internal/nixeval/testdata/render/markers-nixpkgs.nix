# The same markers as nixpkgs' lib builds them (plain _type attrsets), without our lib.
let
  mkIf = condition: content: { _type = "if"; inherit condition content; };
  mkMerge = contents: { _type = "merge"; inherit contents; };
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  mkOrder = priority: content: { _type = "order"; inherit priority content; };
in
{
  imports = [ { locals.l = mkOrder 500 [ "before" ]; } { locals.v = mkOverride 50 "forced"; } ];
  config = mkMerge [
    { locals.l = [ "normal" ]; locals.v = "normal"; output.a.value = "a"; }
    (mkIf false { output.b.value = "b"; })
  ];
}
