{ config, ... }: {
  resource.x.y = config.foo.bar;
}
