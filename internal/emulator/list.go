package emulator

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// filterSpec is one django-filter query parameter. match is called only when
// the parameter is present with a non-empty value.
type filterSpec struct {
	param string
	match func(obj map[string]any, vals []string) bool
}

// listSpec describes a list endpoint.
type listSpec struct {
	filters      []filterSpec
	searchFields []string
	order        []string // default ordering
	orderFields  []string // allowed for ?ordering=; nil means any rendered field
}

func fmtVal(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		return fmt.Sprint(x)
	}
}

func exact(param, field string) filterSpec {
	return filterSpec{param, func(o map[string]any, v []string) bool { return o[field] != nil && fmtVal(o[field]) == v[0] }}
}

func iexact(param, field string) filterSpec {
	return filterSpec{param, func(o map[string]any, v []string) bool {
		return o[field] != nil && strings.EqualFold(fmtVal(o[field]), v[0])
	}}
}

func icontains(param, field string) filterSpec {
	return filterSpec{param, func(o map[string]any, v []string) bool {
		return o[field] != nil && strings.Contains(strings.ToLower(fmtVal(o[field])), strings.ToLower(v[0]))
	}}
}

// boolExact is a BooleanFilter; an unparsable value does not filter.
func boolExact(param, field string) filterSpec {
	return filterSpec{param, func(o map[string]any, v []string) bool {
		b, err := parseBool(v[0])
		if err != nil {
			return true
		}
		return o[field] == b
	}}
}

// isNull is a `<field>__isnull` filter on a rendered field that is null or "" when unset.
func isNull(param, field string) filterSpec {
	return filterSpec{param, func(o map[string]any, v []string) bool {
		b, err := parseBool(v[0])
		if err != nil {
			return true
		}
		return (o[field] == nil || o[field] == "") == b
	}}
}

// inList is a multi-value filter matching when the object's field equals any value.
func inList(param, field string) filterSpec {
	return filterSpec{param, func(o map[string]any, v []string) bool { return containsStr(v, fmtVal(o[field])) }}
}

// listContains matches when the rendered list field contains the value (case-insensitive).
func listContains(param, field string) filterSpec {
	return filterSpec{param, func(o map[string]any, v []string) bool {
		items, _ := o[field].([]any)
		for _, it := range items {
			for _, want := range v {
				if strings.EqualFold(fmtVal(it), want) {
					return true
				}
			}
		}
		return false
	}}
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("parse bool %q", s)
}

// queryValues returns the non-empty values of a query parameter.
func (c *call) queryValues(param string) []string {
	var out []string
	for _, v := range c.q[param] {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// list filters, searches, orders and paginates rendered objects.
func (e *Emulator) list(c *call, objs []map[string]any, spec listSpec) resp {
	out := objs[:0:0]
	for _, o := range objs {
		keep := true
		for _, f := range spec.filters {
			if vals := c.queryValues(f.param); len(vals) > 0 && !f.match(o, vals) {
				keep = false
				break
			}
		}
		if keep && len(spec.searchFields) > 0 {
			keep = searchMatches(o, c.q.Get("search"), spec.searchFields)
		}
		if keep {
			out = append(out, o)
		}
	}
	orderObjects(out, spec.order)
	if ord := c.q.Get("ordering"); ord != "" {
		var keys []string
		for _, k := range strings.Split(ord, ",") {
			k = strings.TrimSpace(k)
			name := strings.TrimPrefix(k, "-")
			if spec.orderFields != nil && !containsStr(spec.orderFields, name) {
				continue
			}
			if spec.orderFields == nil && len(out) > 0 {
				if _, ok := out[0][name]; !ok {
					continue
				}
			}
			keys = append(keys, k)
		}
		if len(keys) > 0 {
			orderObjects(out, keys)
		}
	}
	return paginate(c, out)
}

// searchMatches implements DRF SearchFilter: every term must be a
// case-insensitive substring of at least one search field.
func searchMatches(o map[string]any, search string, fields []string) bool {
	for _, term := range strings.Fields(strings.ReplaceAll(search, ",", " ")) {
		term = strings.ToLower(term)
		found := false
		for _, f := range fields {
			if strings.Contains(strings.ToLower(fmtVal(o[f])), term) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func orderObjects(objs []map[string]any, keys []string) {
	sort.SliceStable(objs, func(i, j int) bool {
		for _, k := range keys {
			desc := strings.HasPrefix(k, "-")
			name := strings.TrimPrefix(k, "-")
			c := compareVals(objs[i][name], objs[j][name])
			if c == 0 {
				continue
			}
			if desc {
				return c > 0
			}
			return c < 0
		}
		return false
	})
}

func compareVals(a, b any) int {
	na, aNum := a.(json.Number)
	nb, bNum := b.(json.Number)
	if aNum && bNum {
		fa, _ := na.Float64()
		fb, _ := nb.Float64()
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	return strings.Compare(fmtVal(a), fmtVal(b))
}

// paginate builds authentik's AutocompletePagination envelope.
func paginate(c *call, objs []map[string]any) resp {
	size := defaultPageSize
	if s, err := strconv.Atoi(c.q.Get("page_size")); err == nil && s > 0 {
		size = min(s, maxPageSize)
	}
	count := len(objs)
	pages := max(1, (count+size-1)/size)
	page := 1
	if ps := c.q.Get("page"); ps != "" {
		if ps == "last" {
			page = pages
		} else {
			n, err := strconv.Atoi(ps)
			if err != nil || n < 1 || n > pages {
				return detail(404, "Invalid page.")
			}
			page = n
		}
	}
	lo := (page - 1) * size
	hi := min(lo+size, count)
	results := make([]map[string]any, 0, hi-lo)
	results = append(results, objs[lo:hi]...)
	next, prev := 0, 0
	if page < pages {
		next = page + 1
	}
	if page > 1 {
		prev = page - 1
	}
	start, end := 0, 0
	if count > 0 {
		start, end = lo+1, hi
	}
	return resp{status: 200, body: map[string]any{
		"pagination": map[string]any{
			"next": next, "previous": prev, "count": count, "current": page,
			"total_pages": pages, "start_index": start, "end_index": end,
		},
		"results":      results,
		"autocomplete": map[string]any{},
	}}
}

// checkChoiceFilters adds the errors of django-filter's ChoiceFilter (single:
// the last value counts, as QueryDict.get) and MultipleChoiceFilter /
// AllValuesMultipleFilter (multi: every value counts) to r, the result of
// other filter checks (nil when they passed). A value outside the choices is
// a 400, not an empty list.
func checkChoiceFilters(c *call, single, multi map[string][]string, r *resp) *resp {
	errs := map[string]any{}
	if r != nil {
		errs = r.body.(map[string]any)
	}
	bad := func(param, v string) {
		errs[param] = []string{fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", v)}
	}
	for param, allowed := range single {
		if vs := c.q[param]; len(vs) > 0 && vs[len(vs)-1] != "" && !containsStr(allowed, vs[len(vs)-1]) {
			bad(param, vs[len(vs)-1])
		}
	}
	for param, allowed := range multi {
		for _, v := range c.queryValues(param) {
			if !containsStr(allowed, v) {
				bad(param, v)
				break
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &resp{status: 400, body: errs}
}
