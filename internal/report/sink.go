package report

// Multi returns a Sink that passes everything to each of sinks in turn.
func Multi(sinks ...Sink) Sink { return multiSink(sinks) }

type multiSink []Sink

func (m multiSink) Event(e Event) {
	for _, s := range m {
		s.Event(e)
	}
}

func (m multiSink) Finish(r Result) {
	for _, s := range m {
		s.Finish(r)
	}
}
