package store

import "strings"

func (s *State) PromptByPK(pk string) *Object {
	for _, p := range s.Prompts {
		if strings.EqualFold(p.PK, pk) {
			return p
		}
	}
	return nil
}
