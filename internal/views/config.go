package views

// Config is the view of eval and render: a workspace's generated
// config.tf.json, byte for byte as Nix printed it. It is JSON for people
// too, so both kinds print the same.
type Config struct{ s Streams }

func NewConfig(s Streams) Config { return Config{s} }

func (v Config) Generated(data []byte) error {
	_, err := v.s.Stdout.Write(data)
	return err
}
