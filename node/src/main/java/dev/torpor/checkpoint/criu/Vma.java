package dev.torpor.checkpoint.criu;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** A memory area of a dumped process, as far as deciding whether its pages may arrive after the process runs. */
public record Vma(long start, long end, long mmapFlags, long status) {
    private static final long MAP_PRIVATE = 0x02;
    private static final long MAP_ANONYMOUS = 0x20;
    private static final long MAP_LOCKED = 0x2000;
    private static final long MAP_HUGETLB = 0x40000;
    // CRIU's VMA_AREA_* status bits (criu/include/image.h): these areas are set up by the kernel, not by pages.
    private static final long VSYSCALL = 1 << 2;
    private static final long VDSO = 1 << 3;
    private static final long VVAR = 1 << 12;

    /** CRIU's own rule for lazy pages (vma_entry_can_be_lazy): private anonymous memory that is not special. */
    public boolean canBeLazy() {
        return (mmapFlags & MAP_ANONYMOUS) != 0 && (mmapFlags & MAP_PRIVATE) != 0
                && (mmapFlags & (MAP_LOCKED | MAP_HUGETLB)) == 0 && (status & (VSYSCALL | VDSO | VVAR)) == 0;
    }

    /** The areas of mm-PID.img, by address (mm_entry.vmas = 14; start 1, end 2, flags 6, status 7). */
    public static List<Vma> read(Path mmImage) {
        CriuImageFile img = CriuImageFile.read(mmImage, CriuImageFile.MM);
        if (img.entries().size() != 1) throw CriuImageFile.malformed(mmImage, img.entries().size() + " mm entries");
        return ProtoFields.parse(img.entries().getFirst()).messages(14).stream()
                .map(v -> new Vma(v.require(1), v.require(2), v.require(6), v.require(7)))
                .sorted(Comparator.comparingLong(Vma::start))
                .toList();
    }
}
