# Lists concatenate in Terranix's order (later imports first), then mkBefore/mkAfter/mkOrder sort them.
{ lib, ... }: {
  imports = [
    { locals.l = [ "first-import" ]; }
    { locals.l = [ "second-import" ]; }
    { locals.l = lib.mkAfter [ "after" ]; }
    { locals.l = lib.mkBefore [ "before" ]; }
    { locals.l = lib.mkOrder 1200 [ "order-1200" ]; }
  ];
  locals.l = [ "own" ];
  locals.same = 1;
}
