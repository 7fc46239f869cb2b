/*
 * Copyright 2026 The Netty Project
 *
 * The Netty Project licenses this file to you under the Apache License,
 * version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at:
 *
 *   https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */
package io.netty.contrib.channel.aio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a test needs to know about a 64-bit little-endian ELF shared object, read without binutils (so that a library
 * built for another architecture can be checked on this machine): its machine, the symbols it defines in its dynamic
 * symbol table and the libraries it needs. Layouts from the System V gABI and {@code elf(5)}.
 */
final class ElfFile {

    /** {@code e_machine} of x86-64. */
    static final int EM_X86_64 = 62;
    /** {@code e_machine} of 64-bit ARM. */
    static final int EM_AARCH64 = 183;
    /** {@code e_type} of a shared object. */
    static final int ET_DYN = 3;

    private static final int SHT_DYNAMIC = 6;
    private static final int SHT_DYNSYM = 11;
    private static final int SHN_UNDEF = 0;
    private static final int STB_GLOBAL = 1;
    private static final int STB_WEAK = 2;
    private static final int STV_DEFAULT = 0;
    private static final int DT_NULL = 0;
    private static final int DT_NEEDED = 1;
    private static final int SYM_SIZE = 24;
    private static final int DYN_SIZE = 16;

    private final ByteBuffer image;
    private final int type;
    private final int machine;
    private final Set<String> exportedSymbols = new TreeSet<>();
    private final List<String> neededLibraries = new ArrayList<>();

    private ElfFile(ByteBuffer image) throws IOException {
        this.image = image;
        if (image.remaining() < 64 || image.getInt(0) != 0x464c457f) {
            throw new IOException("not an ELF file");
        }
        if (image.get(4) != 2 || image.get(5) != 1) {
            throw new IOException("not a 64-bit little-endian ELF file (class " + image.get(4)
                    + ", data " + image.get(5) + ')');
        }
        type = Short.toUnsignedInt(image.getShort(16));
        machine = Short.toUnsignedInt(image.getShort(18));
        long shoff = image.getLong(40);
        int shentsize = Short.toUnsignedInt(image.getShort(58));
        int shnum = Short.toUnsignedInt(image.getShort(60));
        for (int i = 0; i < shnum; i++) {
            int header = Math.toIntExact(shoff + (long) i * shentsize);
            int shType = image.getInt(header + 4);
            if (shType == SHT_DYNSYM) {
                readSymbols(header, stringTable(shoff, shentsize, image.getInt(header + 40)));
            } else if (shType == SHT_DYNAMIC) {
                readNeeded(header, stringTable(shoff, shentsize, image.getInt(header + 40)));
            }
        }
    }

    /** Reads and parses {@code file}. */
    static ElfFile read(Path file) throws IOException {
        return new ElfFile(ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** {@code e_type}, e.g. {@link #ET_DYN}. */
    int type() {
        return type;
    }

    /** {@code e_machine}, e.g. {@link #EM_AARCH64}. */
    int machine() {
        return machine;
    }

    /** Names of the global or weak, default-visibility symbols this object defines for the dynamic linker. */
    Set<String> exportedSymbols() {
        return Collections.unmodifiableSet(exportedSymbols);
    }

    /** The {@code DT_NEEDED} entries, in order. */
    List<String> neededLibraries() {
        return Collections.unmodifiableList(neededLibraries);
    }

    private int stringTable(long shoff, int shentsize, int index) {
        int header = Math.toIntExact(shoff + (long) index * shentsize);
        return Math.toIntExact(image.getLong(header + 24));
    }

    private void readSymbols(int header, int strtab) {
        int offset = Math.toIntExact(image.getLong(header + 24));
        long size = image.getLong(header + 32);
        for (int sym = offset; sym < offset + size; sym += SYM_SIZE) {
            int info = Byte.toUnsignedInt(image.get(sym + 4));
            int visibility = image.get(sym + 5) & 0x3;
            int shndx = Short.toUnsignedInt(image.getShort(sym + 6));
            int bind = info >> 4;
            if ((bind == STB_GLOBAL || bind == STB_WEAK) && visibility == STV_DEFAULT && shndx != SHN_UNDEF) {
                exportedSymbols.add(string(strtab + image.getInt(sym)));
            }
        }
    }

    private void readNeeded(int header, int strtab) {
        int offset = Math.toIntExact(image.getLong(header + 24));
        long size = image.getLong(header + 32);
        for (int dyn = offset; dyn < offset + size; dyn += DYN_SIZE) {
            long tag = image.getLong(dyn);
            if (tag == DT_NULL) {
                break;
            }
            if (tag == DT_NEEDED) {
                neededLibraries.add(string(strtab + Math.toIntExact(image.getLong(dyn + 8))));
            }
        }
    }

    private String string(int offset) {
        int end = offset;
        while (image.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - offset];
        image.get(offset, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
