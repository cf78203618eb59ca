package redact

import "slices"

// automaton is an Aho-Corasick automaton over the registered secret forms.
// One pass over a text finds every occurrence of every form, and the node
// it ends in tells how long a tail of the text could still become one, so
// masking a text costs the same per byte whatever the number of secrets:
// at most two child look-ups per byte (one forward, and on average at most
// one back along a failure link), plus one step per occurrence found.
//
// Nodes are the prefixes of the forms, numbered breadth first (node 0 is
// the empty prefix), so the shallow nodes a text mostly visits lie together
// in memory. A node's children are edges[nodes[n].edges:nodes[n+1].edges],
// sorted by byte; a node with more than denseAt children (the root, and the
// first levels when there are thousands of secrets) has a table indexed by
// the byte's place in the forms' alphabet instead. Finding a child is
// never more than denseAt comparisons.
//
// An automaton is immutable once built: the Redactor builds a new one after
// the secrets change, and scans share it without locking.
type automaton struct {
	nodes  []node // and one more, whose edges ends the last node's
	edges  []edge
	alpha  [256]uint16 // a byte's place in the alphabet of the forms, from 1; 0 when no form has it
	width  int         // the size of a table: the alphabet's, plus one
	tables []int32     // the tables, width each: the child on a byte, or 0
}

type node struct {
	fail  int32 // the node of its longest proper suffix that is a prefix of a form
	dict  int32 // the nearest node on the fail chain that ends a form, or -1
	depth int32 // the length of the prefix
	edges int32 // offset of its first edge
	table int32 // offset of its table in tables, or -1
	ends  bool  // the prefix is a whole form
}

type edge struct {
	c    byte
	node int32
}

// denseAt is the number of children from which a node gets a table.
const denseAt = 8

// match is one occurrence of a form in a text: s[start:start+n].
type match struct{ start, n int }

// build returns the automaton of forms (unique, none empty).
func build(forms []string) *automaton {
	a := &automaton{}
	// The trie, with children as linked lists. Inserting in sorted
	// order, a node's children arrive in byte order and only the previous
	// form's path can be shared.
	sorted := slices.Clone(forms)
	slices.Sort(sorted)
	label, depth, ends := []byte{0}, []int32{0}, []bool{false}
	first, next, last := []int32{-1}, []int32{-1}, []int32{-1}
	var path []int32 // path[k] is the node of prev[:k+1]
	prev := ""
	for _, f := range sorted {
		lcp := 0
		for lcp < len(f) && lcp < len(prev) && f[lcp] == prev[lcp] {
			lcp++
		}
		path = path[:lcp]
		parent := int32(0)
		if lcp > 0 {
			parent = path[lcp-1]
		}
		for k := lcp; k < len(f); k++ {
			n := int32(len(label))
			label, depth, ends = append(label, f[k]), append(depth, int32(k+1)), append(ends, false)
			first, next, last = append(first, -1), append(next, -1), append(last, -1)
			if last[parent] < 0 {
				first[parent] = n
			} else {
				next[last[parent]] = n
			}
			last[parent] = n
			path = append(path, n)
			parent = n
			if a.alpha[f[k]] == 0 {
				a.width++
				a.alpha[f[k]] = uint16(a.width)
			}
		}
		ends[path[len(f)-1]] = true
		prev = f
	}
	a.width++

	// Number the nodes breadth first: order[i] is the trie node numbered
	// i, and a node's children get consecutive numbers.
	order := make([]int32, 1, len(label))
	id := make([]int32, len(label))
	for i := 0; i < len(order); i++ {
		for c := first[order[i]]; c >= 0; c = next[c] {
			id[c] = int32(len(order))
			order = append(order, c)
		}
	}
	a.nodes = make([]node, len(order)+1)
	a.edges = make([]edge, 0, len(order)-1)
	for i, t := range order {
		n := &a.nodes[i]
		n.depth, n.ends, n.edges, n.table = depth[t], ends[t], int32(len(a.edges)), -1
		for c := first[t]; c >= 0; c = next[c] {
			a.edges = append(a.edges, edge{label[c], id[c]})
		}
		if len(a.edges)-int(n.edges) > denseAt || i == 0 {
			n.table = int32(len(a.tables))
			a.tables = append(a.tables, make([]int32, a.width)...)
			for _, e := range a.edges[n.edges:] {
				a.tables[int(n.table)+int(a.alpha[e.c])] = e.node
			}
		}
	}
	a.nodes[len(order)].edges = int32(len(a.edges))

	// Failure links, in breadth-first order: a node's is found from its
	// parent's, which is shallower and so already known.
	a.nodes[0].dict = -1
	for u := range order {
		for _, e := range a.children(int32(u)) {
			f := int32(0)
			if u != 0 {
				f, _ = a.step(a.nodes[u].fail, e.c)
			}
			v := &a.nodes[e.node]
			v.fail = f
			if a.nodes[f].ends {
				v.dict = f
			} else {
				v.dict = a.nodes[f].dict
			}
		}
	}
	return a
}

// children returns the edges of node n.
func (a *automaton) children(n int32) []edge {
	return a.edges[a.nodes[n].edges:a.nodes[n+1].edges]
}

// child returns the child of n on byte c, or 0 (the root is nobody's child).
func (a *automaton) child(n int32, c byte) int32 {
	if t := a.nodes[n].table; t >= 0 {
		return a.tables[int(t)+int(a.alpha[c])]
	}
	for _, e := range a.children(n) {
		if e.c == c {
			return e.node
		}
	}
	return 0
}

// step moves from n on byte c: to the longest prefix of a form that is a
// suffix of n's prefix followed by c. It returns the node and the number of
// children looked up.
func (a *automaton) step(n int32, c byte) (int32, int) {
	if a.alpha[c] == 0 {
		return 0, 1 // no form holds c
	}
	steps := 0
	for {
		steps++
		if t := a.child(n, c); t != 0 {
			return t, steps
		}
		if n == 0 {
			return 0, steps
		}
		n = a.nodes[n].fail
	}
}

// scan runs s through the automaton. It appends every occurrence of a form
// to ms (in the order they end) and returns them, the node it ended in, and
// the steps it took (children looked up plus occurrences found), the
// measure of its cost.
func (a *automaton) scan(s string, ms []match) ([]match, int32, int) {
	n, steps := int32(0), 0
	for i := 0; i < len(s); i++ {
		var k int
		n, k = a.step(n, s[i])
		steps += k
		if n == 0 {
			continue
		}
		end := i + 1
		if nd := &a.nodes[n]; nd.ends {
			ms = append(ms, match{end - int(nd.depth), int(nd.depth)})
			steps++
		}
		for d := a.nodes[n].dict; d >= 0; d = a.nodes[d].dict {
			ms = append(ms, match{end - int(a.nodes[d].depth), int(a.nodes[d].depth)})
			steps++
		}
	}
	return ms, n, steps
}

// open returns the length of the longest suffix of the text that ended in
// node n which is a proper prefix of a form (a secret may still follow),
// and the steps it took (at most the length of the longest form).
func (a *automaton) open(n int32) (int, int) {
	steps := 0
	for ; n != 0; n = a.nodes[n].fail {
		steps++
		if a.nodes[n+1].edges > a.nodes[n].edges {
			return int(a.nodes[n].depth), steps
		}
	}
	return 0, steps
}
