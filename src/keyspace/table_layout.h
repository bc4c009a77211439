#pragma once

// Private to the keyspace module: read access to the group layout of the index (internal::Table,
// a boost::unordered_flat_set), for SCAN and RANDOMKEY. Lookups never need this; iteration does,
// because boost offers no way to start iterating at a chosen position, and SCAN's guarantee must
// be argued from where an element can be (its probe sequence), not from iteration order.
//
// The facts relied on, all from boost 1.81's boost/unordered/detail/foa.hpp:
// - Slots form 2^k groups of 15; group g holds elements[15g .. 15g+14]; the last slot of the last
//   group is a sentinel (match_really_occupied() excludes it).
// - With an avalanching hash (KeyHash declares it), an element's home group is
//   hash >> groups_size_index, i.e. the top k bits of its 64-bit hash (pow2_size_policy).
// - Insertion walks the quadratic probe sequence g, g+1, g+3, g+6, ... (mod 2^k; a prober's
//   next() returns false after visiting every group) and places the element in the first group
//   with a free slot, setting overflow bit (hash % 8) on each full group it passed. Erasure never
//   clears overflow bits and never moves elements; only a rehash (growth, or a same-size or
//   smaller "anti-drift" rehash after many erasures) moves elements, and it rebuilds all bits.
// Hence every element with home g lies in its probe sequence before the first group whose
// overflow bit for its hash % 8 is clear (exactly what find() relies on). A boost upgrade must
// recheck these facts; the static_assert stops the build until someone has.

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <boost/unordered/unordered_flat_set.hpp>
#include <boost/version.hpp>

#include "keyspace/entry_internal.h"

static_assert(BOOST_VERSION / 100 == 1081,
              "table_layout.h reads boost 1.81's flat-table layout: recheck it for this version");

namespace locknode::keyspace::internal {

// Names a private member through an explicit instantiation, where access checks do not apply
// ([temp.spec.general]/6): the standard way to read a member a library does not expose.
template <auto kMember, typename Tag>
struct MemberThief {
  friend constexpr auto Steal(Tag) { return kMember; }
};

struct FlatSetTableTag {
  friend constexpr auto Steal(FlatSetTableTag);
};
template struct MemberThief<&Table::table_, FlatSetTableTag>;

using FoaTable = decltype(std::declval<Table&>().*Steal(FlatSetTableTag{}));
using FoaTableValue = std::remove_reference_t<FoaTable>;

struct FoaArraysTag {
  friend constexpr auto Steal(FoaArraysTag);
};
template struct MemberThief<&FoaTableValue::arrays, FoaArraysTag>;

// A read-only view of the table's groups, valid until the table's next insert, erase or rehash.
class TableLayout {
 public:
  static constexpr size_t kSlotsPerGroup = 15;

  explicit TableLayout(const Table& table)
      : arrays_(&(table.*Steal(FlatSetTableTag{}).*Steal(FoaArraysTag{}))) {}

  // 0 while the table has never allocated (no element can exist then).
  size_t groups() const { return arrays_->elements ? arrays_->groups_size_mask + 1 : 0; }
  // The home group of an element with this hash (boost's pow2_size_policy::position).
  size_t HomeGroup(uint64_t hash) const { return hash >> arrays_->groups_size_index; }
  // Bits of hash that select the home group: the group count is 2^group_bits().
  unsigned group_bits() const { return 64u - static_cast<unsigned>(arrays_->groups_size_index); }

  // Bitmask of the occupied slots of group g (sentinel excluded); bit i is slot i.
  unsigned Occupied(size_t g) const {
    return static_cast<unsigned>(arrays_->groups[g].match_really_occupied());
  }
  const EntryRef& Slot(size_t g, unsigned i) const {
    return arrays_->elements[g * kSlotsPerGroup + i];
  }
  // Bitmask of the hash classes (hash % 8) that overflowed group g: bit c set iff an element
  // with hash % 8 == c passed g while probing (the only public accessor tests one class).
  unsigned OverflowClasses(size_t g) const {
    unsigned classes = 0;
    for (unsigned c = 0; c < 8; ++c) {
      if (!arrays_->groups[g].is_not_overflowed(c)) classes |= 1u << c;
    }
    return classes;
  }

  // Calls visit(const EntryRef&, uint64_t hash) for exactly the elements whose home group is g,
  // walking g's probe sequence only as far as an element of g can be (see the file comment):
  // past a group only for the hash classes that overflowed every group so far. Returns the
  // number of groups examined (1 unless g overflowed).
  template <typename Hash, typename Visit>
  size_t ForEachHomedAt(size_t g, const Hash& hash, Visit&& visit) const {
    const size_t mask = groups() - 1;
    unsigned live_classes = 0xFF;  // classes that may still have an element of g further on
    size_t pos = g;
    size_t step = 0;
    size_t examined = 0;
    while (true) {
      ++examined;
      for (unsigned bits = Occupied(pos); bits != 0; bits &= bits - 1) {
        const EntryRef& r = Slot(pos, static_cast<unsigned>(__builtin_ctz(bits)));
        const uint64_t h = hash(r);
        if (HomeGroup(h) == g) visit(r, h);
      }
      live_classes &= OverflowClasses(pos);
      // boost's pow2_quadratic_prober: every group has been probed after mask + 1 steps.
      if (live_classes == 0 || ++step > mask) return examined;
      pos = (pos + step) & mask;
    }
  }

 private:
  using Arrays =
      std::remove_reference_t<decltype(std::declval<FoaTableValue&>().*Steal(FoaArraysTag{}))>;
  const Arrays* arrays_;
};

// One step of SCAN over `table`. The cursor is a position in hash order: the step returns
// (through visit(const EntryRef&)) every element whose 64-bit hash is >= cursor and whose home
// group is among the groups it walks, starting at the cursor's home group, and answers the hash
// where the next step starts (0: the whole hash range is done). Because home groups are the top
// bits of the hash, hash order is the same at every table size: a cursor means the same thing
// after growth, shrinking or a same-size rehash, and consecutive steps cover consecutive,
// disjoint hash ranges (the guarantee argument is in keyspace.h, Keyspace::Scan).
//
// Work: it walks home groups until `count` elements were visited or `max_groups` home groups
// were walked (at least one), like Redis's scanGenericCommand (count * 10 buckets at most).
struct ScanProgress {
  uint64_t next_cursor = 0;
  size_t home_groups = 0;      // home groups walked
  size_t groups_examined = 0;  // groups read, probe sequences included
};

template <typename Hash, typename Visit>
ScanProgress ScanStep(const Table& table, const Hash& hash, uint64_t cursor, size_t count,
                      size_t max_groups, Visit&& visit) {
  static_assert(sizeof(size_t) == sizeof(uint64_t),
                "home groups are the top bits of a 64-bit hash");
  ScanProgress progress;
  const TableLayout layout(table);
  const size_t groups = layout.groups();
  if (groups == 0) return progress;  // never allocated: nothing stored
  const unsigned shift = 64 - layout.group_bits();
  size_t visited = 0;
  for (size_t g = layout.HomeGroup(cursor);;) {
    progress.groups_examined += layout.ForEachHomedAt(g, hash, [&](const EntryRef& r, uint64_t h) {
      if (h < cursor) return;  // a coarser table's group may start below the cursor
      ++visited;
      visit(r);
    });
    ++progress.home_groups;
    if (++g == groups) return progress;  // the last group: the hash range is exhausted
    if (visited >= count || progress.home_groups >= max_groups) {
      progress.next_cursor = uint64_t{g} << shift;
      return progress;
    }
  }
}

}  // namespace locknode::keyspace::internal
