package dev.torpor.checkpoint.criu;

import java.nio.file.Path;
import java.util.List;

/** A process's pagemap-PID.img: which of its pages the image holds, and in which pages-ID.img file. */
public record Pagemap(List<Integer> magics, byte[] head, long pagesId, List<PagemapEntry> entries) {

    public static Pagemap read(Path file) {
        CriuImageFile img = CriuImageFile.read(file, CriuImageFile.PAGEMAP);
        if (img.entries().isEmpty()) throw CriuImageFile.malformed(file, "no pagemap head");
        byte[] head = img.entries().getFirst();
        List<PagemapEntry> entries = img.entries().stream().skip(1).map(PagemapEntry::decode).toList();
        return new Pagemap(img.magics(), head, ProtoFields.parse(head).require(1), entries);
    }

    public Pagemap withEntries(List<PagemapEntry> replaced) {
        return new Pagemap(magics, head, pagesId, List.copyOf(replaced));
    }

    public void write(Path file) {
        List<byte[]> out = new java.util.ArrayList<>(entries.size() + 1);
        out.add(head);
        entries.forEach(e -> out.add(e.encode()));
        new CriuImageFile(magics, out).write(file);
    }

    public String pagesFileName() {
        return "pages-" + pagesId + ".img";
    }
}
