import sharp from 'sharp';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/config';
import { InvalidInputError } from '../http/domain-errors';
import { imageKind, PhotoStorage } from './photo-storage';

describe('photo storage', () => {
  let dir: string;
  let storage: PhotoStorage;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'td-photos-'));
    storage = new PhotoStorage({ storageDir: dir } as AppConfig);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('tells JPEG, PNG and WebP by their first bytes, whatever the name says', async () => {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } });
    expect(imageKind(await img.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(imageKind(await img.clone().png().toBuffer())).toBe('png');
    expect(imageKind(await img.clone().webp().toBuffer())).toBe('webp');
    expect(imageKind(await img.clone().gif().toBuffer())).toBeNull();
    expect(imageKind(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(imageKind(Buffer.alloc(0))).toBeNull();
  });

  it('turns a photo upright by its EXIF orientation, scales it to 1600 px and a 400 px thumbnail, and keeps no metadata', async () => {
    const upload = await sharp({ create: { width: 3200, height: 2000, channels: 3, background: '#3366aa' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Phone', Copyright: 'x' } })
      .withMetadata({ orientation: 8 })
      .toBuffer();
    const out = await storage.process(upload);
    expect([out.width, out.height]).toEqual([1000, 1600]);
    const web = await sharp(out.web).metadata();
    const thumb = await sharp(out.thumb).metadata();
    expect([web.format, web.exif, web.orientation, web.icc]).toEqual(['jpeg', undefined, undefined, undefined]);
    expect([thumb.width, thumb.height, thumb.exif]).toEqual([250, 400, undefined]);
  });

  it('keeps a small photo at its size and flattens transparency on white', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const out = await storage.process(png);
    expect([out.width, out.height]).toEqual([300, 200]);
    const { data } = await sharp(out.web).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(data[0], data[1], data[2])).toBeGreaterThan(240);
  });

  it('refuses what is not an image, or does not decode, as a 400 naming file', async () => {
    await expect(storage.process(Buffer.from('hello'))).rejects.toThrow(InvalidInputError);
    await expect(storage.process(Buffer.from('hello'))).rejects.toThrow(/^file is not a JPEG, PNG or WebP image/);
    await expect(storage.process(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64)]))).rejects.toThrow(/^file could not be read as an image/);
  });

  it('writes both files and removes them', async () => {
    const out = await storage.process(await sharp({ create: { width: 20, height: 10, channels: 3, background: '#fff' } }).jpeg().toBuffer());
    await storage.write('00000000-0000-4000-8000-000000000001', out);
    expect((await readdir(join(dir, 'photos'))).sort()).toEqual(['00000000-0000-4000-8000-000000000001-thumb.jpg', '00000000-0000-4000-8000-000000000001-web.jpg']);
    expect((await storage.open('00000000-0000-4000-8000-000000000001', 'web'))?.size).toBe(out.web.length);
    await storage.remove('00000000-0000-4000-8000-000000000001');
    expect(await readdir(join(dir, 'photos'))).toEqual([]);
    expect(await storage.open('00000000-0000-4000-8000-000000000001', 'web')).toBeNull();
  });
});
