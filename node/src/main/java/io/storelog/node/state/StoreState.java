package io.storelog.node.state;

import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.BillVoided;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Product;
import io.storelog.protocol.RefundLine;
import io.storelog.protocol.ShiftClosed;
import io.storelog.protocol.ShiftOpened;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The node's state as a fold over the log: stock, sales, bills and catalog. Each entry is applied
 * once, in its origin's seq order; entries of different origins may come in any order and the
 * result is the same, so two nodes holding the same entries hold the same state and digest.
 * Thread-safe: the log writer applies, HTTP workers read.
 */
public final class StoreState {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private StockLevels stock = new StockLevels();
    private SalesTotals sales = new SalesTotals();
    private BillIndex bills = new BillIndex();
    private Catalog catalog = new Catalog();
    private TreeMap<String, ShiftOpened> openShifts = new TreeMap<>();
    private TreeMap<String, ShiftClosed> closedShifts = new TreeMap<>();
    private Carts carts = new Carts();
    private StaffDirectory staff = new StaffDirectory();
    private ShiftBook shiftBook = new ShiftBook();
    private Budgets budgets = new Budgets();
    /** Origin -> lowest disputed seq: that entry and every later one of the origin stay out of state. */
    private TreeMap<String, Long> frozen = new TreeMap<>();
    private volatile java.util.Map<String, Long> frozenView = java.util.Map.of();
    private java.util.HashMap<String, Long> highestFolded = new java.util.HashMap<>();
    private long entries;

    /** Folds one entry that sits at {@code position} in the local log. */
    public void apply(Entry e, long position) {
        lock.writeLock().lock();
        try {
            Long freeze = frozen.get(e.getOrigin());
            if (freeze != null && e.getSeq() >= freeze) {
                return;
            }
            entries++;
            highestFolded.merge(e.getOrigin(), e.getSeq(), Math::max);
            String id = entryId(e.getOrigin(), e.getSeq());
            switch (e.getBodyCase()) {
                case BILL -> applyBill(id, position, e);
                case REFUND -> applyRefund(id, e.getOrigin(), e.getRefund());
                case VOID -> applyVoid(e.getOrigin(), e.getVoid());
                case GOODS_RECEIVED -> stock.add(e.getGoodsReceived().getSku(), e.getGoodsReceived().getQtyMilli());
                case STOCK_ADJUSTED -> stock.add(e.getStockAdjusted().getSku(), e.getStockAdjusted().getDeltaMilli());
                case STOCK_COUNTED -> stock.add(e.getStockCounted().getSku(), e.getStockCounted().getDeltaMilli());
                case CATALOG_UPDATE -> {
                    catalog.apply(e.getCatalogUpdate(), e.getHlc(), e.getOrigin(), e.getSeq());
                    staff.applyCatalog(e);
                }
                case SHIFT_OPENED -> {
                    openShifts.put(e.getShiftOpened().getShiftId(), e.getShiftOpened());
                    shiftBook.opened(e);
                }
                case SHIFT_CLOSED -> {
                    closedShifts.put(e.getShiftClosed().getShiftId(), e.getShiftClosed());
                    shiftBook.closed(e);
                }
                case CART_SUSPENDED -> carts.suspend(id, e);
                case CART_RECALLED -> carts.recall(id, e.getCartRecalled());
                case STAFF_UPDATE -> staff.apply(e);
                case Z_REPORT -> shiftBook.z(e);
                case CASH_MOVEMENT -> {
                    // Reports read cash movements from the log by seq range; nothing to keep here.
                }
                case RECEIPT_REPRINTED -> bills.addReprint(id, e.getReceiptReprinted().getBillId());
                case BUDGET_GRANT -> budgets.grant(e.getOrigin(), e.getBudgetGrant());
                case CONFLICT -> {
                    frozen.merge(e.getConflict().getOrigin(), e.getConflict().getSeq(), Math::min);
                    frozenView = java.util.Map.copyOf(frozen);
                }
                case BODY_NOT_SET -> {
                    // An entry kind from a newer version: kept in the log, nothing to fold here.
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Whether folding this evidence would freeze entries already folded, so the state must be
     * rebuilt from the log with the new freeze point instead of applying it on top.
     */
    public boolean evidenceUnfolds(io.storelog.protocol.ConflictEvidence c) {
        return read(() -> frozen.getOrDefault(c.getOrigin(), Long.MAX_VALUE) > c.getSeq()
                && highestFolded.getOrDefault(c.getOrigin(), 0L) >= c.getSeq());
    }

    /** Empties the state, keeping (and lowering by {@code evidence}) the freeze points, before a replay of the log. */
    public void resetForRefold(io.storelog.protocol.ConflictEvidence evidence) {
        lock.writeLock().lock();
        try {
            TreeMap<String, Long> keep = new TreeMap<>(frozen);
            if (evidence != null) {
                keep.merge(evidence.getOrigin(), evidence.getSeq(), Math::min);
            }
            stock = new StockLevels();
            sales = new SalesTotals();
            bills = new BillIndex();
            catalog = new Catalog();
            openShifts = new TreeMap<>();
            closedShifts = new TreeMap<>();
            carts = new Carts();
            staff = new StaffDirectory();
            shiftBook = new ShiftBook();
            budgets = new Budgets();
            highestFolded = new java.util.HashMap<>();
            frozen = keep;
            frozenView = java.util.Map.copyOf(keep);
            entries = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Rebuilds the state under one write lock: empties it as {@link #resetForRefold} does, then
     * {@code replay} hands every entry of the log (with its position) to the fold again. Readers wait
     * and then see the rebuilt state; they never see it half-built: a stored bill missing (the retry
     * check of a cart reads the state outside the append lock, so the cart would be billed twice),
     * stock and sales partly summed, a digest of neither the old nor the new state.
     */
    public void refold(io.storelog.protocol.ConflictEvidence evidence,
            java.util.function.Consumer<java.util.function.ObjLongConsumer<Entry>> replay) {
        lock.writeLock().lock();
        try {
            resetForRefold(evidence);
            replay.accept(this::apply);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Replaces this state by one a peer's snapshot holds, then folds {@code extra} (this node's entries
     * the snapshot does not cover) on top and points bills at where this node holds them: under one
     * write lock, so no reader sees it half-done. The fold is order-independent, so this equals folding
     * every entry the snapshot covers plus the extra ones.
     */
    public void rebase(java.io.DataInputStream snapshotState, java.util.function.Consumer<java.util.function.ObjLongConsumer<Entry>> extra,
            java.util.function.ToLongFunction<String> billPosition) throws java.io.IOException {
        lock.writeLock().lock();
        try {
            readFrom(snapshotState);
            extra.accept(this::apply);
            bills.remapPositions(billPosition);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Writes the whole folded state (for a snapshot); callers hold off appends meanwhile. */
    public void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        lock.readLock().lock();
        try {
            out.writeLong(entries);
            stock.writeTo(out);
            sales.writeTo(out);
            bills.writeTo(out);
            catalog.writeTo(out);
            out.writeInt(openShifts.size());
            for (ShiftOpened o : openShifts.values()) {
                SnapshotIO.writeMessage(out, o);
            }
            out.writeInt(closedShifts.size());
            for (ShiftClosed c : closedShifts.values()) {
                SnapshotIO.writeMessage(out, c);
            }
            carts.writeTo(out);
            staff.writeTo(out);
            shiftBook.writeTo(out);
            budgets.writeTo(out);
            out.writeInt(frozen.size());
            for (java.util.Map.Entry<String, Long> e : frozen.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(highestFolded.size());
            for (java.util.Map.Entry<String, Long> e : highestFolded.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Forgets everything, freeze points included (a snapshot that could not be loaded whole). */
    public void clear() {
        lock.writeLock().lock();
        try {
            resetForRefold(null);
            frozen.clear();
            frozenView = java.util.Map.of();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Replaces this (empty) state by one read from a snapshot. */
    public void readFrom(java.io.DataInputStream in) throws java.io.IOException {
        lock.writeLock().lock();
        try {
            resetForRefold(null);
            frozen.clear();
            entries = in.readLong();
            stock.readFrom(in);
            sales.readFrom(in);
            bills.readFrom(in);
            catalog.readFrom(in);
            for (int n = in.readInt(); n > 0; n--) {
                ShiftOpened o = SnapshotIO.readMessage(in, ShiftOpened.parser());
                openShifts.put(o.getShiftId(), o);
            }
            for (int n = in.readInt(); n > 0; n--) {
                ShiftClosed c = SnapshotIO.readMessage(in, ShiftClosed.parser());
                closedShifts.put(c.getShiftId(), c);
            }
            carts.readFrom(in);
            staff.readFrom(in);
            shiftBook.readFrom(in);
            budgets.readFrom(in);
            for (int n = in.readInt(); n > 0; n--) {
                frozen.put(in.readUTF(), in.readLong());
            }
            frozenView = java.util.Map.copyOf(frozen);
            for (int n = in.readInt(); n > 0; n--) {
                highestFolded.put(in.readUTF(), in.readLong());
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Frozen origins and the seq from which their entries are disputed (an immutable snapshot, cheap to read). */
    public java.util.Map<String, Long> frozenOrigins() {
        return frozenView;
    }

    private void applyBill(String id, long position, Entry e) {
        BillCommitted b = e.getBill();
        for (BillLine line : b.getLinesList()) {
            stock.add(line.getSku(), -line.getQtyMilli());
        }
        sales.bill(b.getBusinessDay(), b.getTill(), b.getTotal(), b.getTax(), b.getCashRounding(), b.getTendersList());
        bills.addBill(new BillSummary(id, position, b.getClientBillId(), b.getTill(), b.getNumber(),
                b.getBusinessDay(), b.getTotal(), b.getTax(), e.getHlc().getWallMs()));
        for (io.storelog.protocol.BudgetSpend s : b.getBudgetSpendsList()) {
            budgets.spend(s.getKey(), e.getOrigin(), s.getAmount());
        }
    }

    private void applyRefund(String id, String origin, BillRefunded r) {
        // What a bill may still refund is a budget owned by its lane: every refund spends from its writer's share.
        budgets.spend(BudgetKeys.refundKey(r.getBillId()), origin, r.getTotal());
        for (RefundLine line : r.getLinesList()) {
            stock.add(line.getSku(), line.getQtyMilli());
        }
        sales.refund(r.getBusinessDay(), r.getTill(), r.getTotal(), r.getCashRounding(), r.getTendersList());
        bills.addRefund(id, r);
    }

    private void applyVoid(String origin, BillVoided v) {
        // A void gives the whole bill back, so it spends the bill's whole refund budget.
        budgets.spend(BudgetKeys.refundKey(v.getBillId()), origin, v.getTotal());
        for (RefundLine line : v.getLinesList()) {
            stock.add(line.getSku(), line.getQtyMilli());
        }
        sales.voided(v.getBusinessDay(), v.getTill(), v.getTotal(), v.getTendersList());
        bills.addVoid(v.getBillId());
    }

    /** The id of an entry as used in the API: {@code origin:seq}. */
    public static String entryId(String origin, long seq) {
        return origin + ":" + seq;
    }

    /** Entries folded so far. */
    public long entries() {
        return read(() -> entries);
    }

    /** Stock on hand of a SKU in thousandths. */
    public long onHandMilli(String sku) {
        return read(() -> stock.onHand(sku));
    }

    /** Whether any entry has touched this SKU's stock. */
    public boolean stockKnown(String sku) {
        return read(() -> stock.known(sku));
    }

    /** Every SKU's stock on hand, in thousandths. */
    public SortedMap<String, Long> stockSnapshot() {
        return read(stock::snapshot);
    }

    /** A bill by its id. */
    public Optional<BillSummary> bill(String id) {
        return read(() -> Optional.ofNullable(bills.byId(id)));
    }

    /** The bill stored for a client cart id, if any. */
    public Optional<BillSummary> billByClientId(String clientBillId) {
        return read(() -> Optional.ofNullable(bills.byClientId(clientBillId)));
    }

    /** The refund entry id stored for a client refund id, if any. */
    public Optional<String> refundByClientId(String clientRefundId) {
        return read(() -> Optional.ofNullable(bills.refundByClientId(clientRefundId)));
    }

    /** Refunds filed against a bill so far. */
    public List<BillRefunded> refundsOf(String billId) {
        return read(() -> bills.refundsOf(billId));
    }

    /** How many receipt copies of a bill were printed (reprint entries folded), on any lane. */
    public int reprintsOf(String billId) {
        return read(() -> bills.reprintsOf(billId));
    }

    /** Whether a bill has been voided. */
    public boolean isVoided(String billId) {
        return read(() -> bills.isVoided(billId));
    }

    /** Highest bill number seen for a till name (all incarnations). */
    public long maxBillNumber(String till) {
        return read(() -> bills.maxNumber(till));
    }

    /** The latest bills by clock stamp, newest first. */
    public List<BillSummary> recentBills(int limit) {
        return read(() -> bills.all().stream()
                .sorted(java.util.Comparator.comparingLong(BillSummary::wallMs).thenComparing(BillSummary::id).reversed())
                .limit(limit).toList());
    }

    /** Bills held. */
    public int billCount() {
        return read(bills::count);
    }

    /** Sales of one business day by till. */
    public SortedMap<String, TillSales> salesByTill(String day) {
        return read(() -> sales.byTill(day));
    }

    /** Sales of one business day by tender (type, or custom:NAME), in minor units. */
    public SortedMap<String, Long> salesByTender(String day) {
        return read(() -> sales.byTender(day));
    }

    /** A product with the version it won with. */
    public Optional<CatalogProduct> product(String sku) {
        return read(() -> catalog.product(sku).map(this::withRate));
    }

    /** A product by barcode. */
    public Optional<CatalogProduct> productByBarcode(String barcode) {
        return read(() -> catalog.byBarcode(barcode).map(this::withRate));
    }

    /** A product with the price in effect at {@code atMs} (scheduled price changes applied) and that price's version. */
    public Optional<CatalogProduct> productAt(String sku, long atMs) {
        return read(() -> catalog.productAt(sku, atMs).map(this::withRate));
    }

    /** Every promotion held, by id, withdrawn and ended ones included. */
    public List<io.storelog.node.promotion.HeldPromotion> promotions() {
        return read(() -> catalog.promotions().all());
    }

    /** Products matching a search text. */
    public List<Product> searchCatalog(String query, int limit) {
        return read(() -> catalog.search(query, limit));
    }

    /** Products held. */
    public int catalogSize() {
        return read(catalog::size);
    }

    /** Highest catalog version folded. */
    public long catalogVersion() {
        return read(catalog::highestVersion);
    }

    /** Whether a chunk of an imported catalog file is already in the log. */
    public boolean catalogChunkImported(String contentHash, int chunk) {
        return read(() -> catalog.hasChunk(contentHash, chunk));
    }

    /** Open shifts by id. */
    public SortedMap<String, ShiftOpened> openShifts() {
        return read(() -> {
            TreeMap<String, ShiftOpened> out = new TreeMap<>(openShifts);
            out.keySet().removeAll(closedShifts.keySet());
            return out;
        });
    }

    /** A suspended cart by id (recalled or not). */
    public Optional<SuspendedCart> cart(String id) {
        return read(() -> Optional.ofNullable(carts.get(id)));
    }

    /** Carts suspended and not yet recalled, oldest id first. */
    public List<SuspendedCart> waitingCarts() {
        return read(carts::waiting);
    }

    /** Highest cart number a lane has used. */
    public long maxCartNumber(String till) {
        return read(() -> carts.maxNumber(till));
    }

    /** Reads the staff directory under the read lock; {@code query} must not keep it. */
    public <T> T staff(java.util.function.Function<StaffDirectory, T> query) {
        return read(() -> query.apply(staff));
    }

    /** Reads shifts and Z reports under the read lock; {@code query} must not keep the book. */
    public <T> T shifts(java.util.function.Function<ShiftBook, T> query) {
        return read(() -> query.apply(shiftBook));
    }

    /**
     * A budget as folded here. A refund budget ({@code refund:<billId>}) includes the rights its bill
     * mints implicitly: the bill's total, held by the bill's origin.
     */
    public BudgetView budget(String key) {
        return read(() -> {
            java.util.TreeMap<String, long[]> holders = budgets.holders(key);
            if (BudgetKeys.isRefund(key)) {
                String billId = BudgetKeys.billOf(key);
                BillSummary b = bills.byId(billId);
                int colon = billId.lastIndexOf(':');
                if (b != null && colon > 0) {
                    holders.computeIfAbsent(billId.substring(0, colon), h -> new long[5])[Budgets.MINTED] += b.total();
                }
            }
            long minted = 0;
            long burned = 0;
            long spent = 0;
            java.util.TreeMap<String, BudgetView.Share> shares = new java.util.TreeMap<>();
            for (java.util.Map.Entry<String, long[]> h : holders.entrySet()) {
                long[] c = h.getValue();
                minted += c[Budgets.MINTED];
                burned += c[Budgets.BURNED];
                spent += c[Budgets.SPENT];
                shares.put(h.getKey(), new BudgetView.Share(c[Budgets.MINTED], c[Budgets.RECEIVED], c[Budgets.GIVEN],
                        c[Budgets.BURNED], c[Budgets.SPENT]));
            }
            long total = minted - burned;
            return new BudgetView(key, total, spent, total - spent, java.util.Collections.unmodifiableSortedMap(shares));
        });
    }

    /** Whether a stock or card budget exists for {@code key} (some entry set it up); refund budgets always exist with their bill. */
    public boolean budgetLimited(String key) {
        return read(() -> budgets.known(key));
    }

    /** Keys of the stock budgets and the card cap (refund budgets are left out: one per refunded bill). */
    public List<String> budgetKeys() {
        return read(() -> budgets.keySet().stream().filter(k -> !BudgetKeys.isRefund(k)).toList());
    }

    /** A digest of the whole state together with the version vector it reflects. */
    public StateDigest digest(Supplier<VersionVector> versionVector) {
        return read(() -> StateDigest.of(versionVector.get(), entries, stock, sales, bills, catalog, openShifts, closedShifts,
                frozen, carts, lines -> {
                    staff.feed(lines);
                    shiftBook.feed(lines);
                    budgets.feed(lines);
                }));
    }

    private CatalogProduct withRate(Catalog.Versioned<Product> v) {
        Product p = v.value();
        return new CatalogProduct(p, v.version(), catalog.taxRateBp(p.getTaxClass()));
    }

    private <T> T read(Supplier<T> s) {
        lock.readLock().lock();
        try {
            return s.get();
        } finally {
            lock.readLock().unlock();
        }
    }
}
