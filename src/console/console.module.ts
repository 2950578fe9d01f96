import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller.js';

/** The web console (/console): a page and its files; everything it shows and does goes through the public GraphQL API. */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
