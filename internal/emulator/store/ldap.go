package store

// OutpostSet is the read-only outpost_set of outpost-backed providers:
// str(outpost) of every outpost holding the provider.
func (s *State) OutpostSet(pk int32) []string {
	out := []string{}
	for _, o := range s.Outposts {
		for _, x := range o.Providers() {
			if x == pk {
				out = append(out, "Outpost "+o.Name())
			}
		}
	}
	return out
}
